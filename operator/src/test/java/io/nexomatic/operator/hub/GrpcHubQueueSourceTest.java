package io.nexomatic.operator.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.testing.TestFleets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GrpcHubQueueSourceTest {

  @Test
  void aFleetWithoutAClientSecretIsRefusedBeforeAnyCallWithTheFix() {
    var source =
        new GrpcHubQueueSource(
            endpoint -> {
              throw new AssertionError("no call without credentials");
            },
            Duration.ofSeconds(1));
    var noSecret = new DerivedCredentials(Map.of(), null);

    assertThatThrownBy(() -> source.read(TestFleets.pythonFleet(), noSecret))
        .isInstanceOf(HubReadException.class)
        .hasMessageContaining("Backlog autoscaling needs auth.method ClientSecret")
        .satisfies(e -> assertThat(((HubReadException) e).authRejected()).isTrue());
  }

  @Test
  void fleetsNamingTheSameHubShareOneEndpointAndTlsSettingsMakeADifferentOne() {
    var plain = EffectiveFleet.of(TestFleets.pythonFleet().getSpec());
    var a = HubEndpoint.of(plain, "sinks", Optional.of(new byte[] {1, 2}));
    var b = HubEndpoint.of(plain, "other", Optional.empty());
    assertThat(a).as("a CA bundle means nothing without TLS").isEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
    assertThat(a).hasToString("http://hub.nexomatic.svc:50051");
  }

  @Test
  void aBareServiceNameIsTheServiceInTheFleetsNamespaceAsItsSinksResolveIt() {
    // The operator's pod lives in another namespace: its own search path would miss the Service.
    var spec = TestFleets.pythonFleet().getSpec();
    var fleet = EffectiveFleet.of(spec);
    var hub = spec.getHub();
    hub.setHost("nexomatic-hub");
    var endpoint = HubEndpoint.of(fleet, "sinks", Optional.empty());
    assertThat(endpoint.host()).isEqualTo("nexomatic-hub.sinks.svc");
    assertThat(endpoint.serverName()).as("the authority the sinks send").contains("nexomatic-hub");
    assertThat(HubEndpoint.of(fleet, "other", Optional.empty())).isNotEqualTo(endpoint);

    for (String unchanged : new String[] {"hub.example.com", "10.0.0.7", "localhost", "::1"}) {
      hub.setHost(unchanged);
      assertThat(HubEndpoint.of(fleet, "sinks", Optional.empty()).host()).isEqualTo(unchanged);
    }
  }
}
