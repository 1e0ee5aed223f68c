package io.nexomatic.operator.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.hub.testing.TestPki;
import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.model.HubTlsSpec;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.testing.TestFleets;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's queue-stats client against a TLS Hub over TCP, trusting the CA a fleet's {@code
 * hub.tls.caSecretRef} names: it reads the backlog through a certificate for the Hub's real name,
 * and every way of getting TLS wrong is reported in the fleet's own terms.
 */
class TlsHubQueueSourceIT {
  private static final String HUB_NAME = "hub.nexomatic.test";

  @TempDir Path tmp;
  private TestPki ca;
  private HubServer hub;
  private HubChannels channels;
  private GrpcHubQueueSource source;

  @BeforeEach
  void start() throws Exception {
    ca = TestPki.ca("nexomatic-test", tmp.resolve("pki"));
    var certificate = ca.server("hub", HUB_NAME);
    hub = certificate.startHub();
    hub.core()
        .submit(
            SubmitTaskRequest.newBuilder()
                .setSinkType(TestCredentials.BASE)
                .setModule("samples.hello")
                .setPayloadJson("{}")
                .build());
    channels = new HubChannels();
    source = new GrpcHubQueueSource(channels, Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    channels.close();
    hub.close();
  }

  private SinkFleet fleet(String serverName) {
    SinkFleet fleet = TestFleets.pythonFleet();
    fleet.getSpec().getHub().setHost("127.0.0.1");
    fleet.getSpec().getHub().setPort(hub.port());
    var tls = new HubTlsSpec();
    tls.setEnabled(true);
    tls.setServerName(serverName);
    fleet.getSpec().getHub().setTls(tls);
    return fleet;
  }

  private static DerivedCredentials trusting(byte[] caBundle) {
    return new DerivedCredentials(
        Map.of(
            DerivedCredentials.CLIENT_SECRET_KEY,
            TestCredentials.BASE_SECRET.getBytes(StandardCharsets.UTF_8)),
        caBundle);
  }

  @Test
  void theFleetsCaAndServerNameReadTheBacklogOverTls() throws Exception {
    HubQueueView view = source.read(fleet(HUB_NAME), trusting(Files.readAllBytes(ca.caFile())));

    assertThat(view.queued()).isEqualTo(1);
  }

  @Test
  void anotherCaIsReportedAsUntrustedNamingCaSecretRef() throws Exception {
    TestPki other = TestPki.ca("someone-else", tmp.resolve("other"));

    assertThatThrownBy(
            () -> source.read(fleet(HUB_NAME), trusting(Files.readAllBytes(other.caFile()))))
        .isInstanceOf(HubReadException.class)
        .hasMessageContaining("not signed by a CA this side trusts")
        .hasMessageContaining("spec.hub.tls.caSecretRef")
        .satisfies(e -> assertThat(((HubReadException) e).authRejected()).isFalse());
  }

  @Test
  void aCertificateWithoutTheHostsNameIsReportedNamingServerName() throws Exception {
    assertThatThrownBy(() -> source.read(fleet(null), trusting(Files.readAllBytes(ca.caFile()))))
        .isInstanceOf(HubReadException.class)
        .hasMessageContaining("not valid for 127.0.0.1: set spec.hub.tls.serverName");
  }

  @Test
  void aCaBundleThatIsNotPemIsReportedNotThrown() {
    assertThatThrownBy(
            () ->
                source.read(
                    fleet(HUB_NAME),
                    trusting("not a certificate".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(HubReadException.class)
        .hasMessageContaining("spec.hub.tls.caSecretRef");
  }
}
