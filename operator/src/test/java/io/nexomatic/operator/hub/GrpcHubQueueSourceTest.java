package io.nexomatic.operator.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nexomatic.operator.children.DerivedCredentials;
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
    var plain = TestFleets.pythonFleet().getSpec().getHub();
    var a = HubEndpoint.of(plain, Optional.of(new byte[] {1, 2}));
    var b = HubEndpoint.of(plain, Optional.empty());
    assertThat(a).as("a CA bundle means nothing without TLS").isEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
    assertThat(a).hasToString("http://hub.nexomatic.svc:50051");
  }
}
