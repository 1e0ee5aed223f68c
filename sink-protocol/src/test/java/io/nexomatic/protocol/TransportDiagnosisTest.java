package io.nexomatic.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Which transport failures get an explanation, and that the most specific cause wins. */
class TransportDiagnosisTest {
  private static final TransportDiagnosis.Settings SINK =
      new TransportDiagnosis.Settings(
          "set TLS_ENABLED to true", "set TLS_ENABLED to false", "TLS_CA_FILE", "TLS_SERVER_NAME");

  private static Status unavailable(Throwable cause) {
    return Status.UNAVAILABLE.withDescription("io exception").withCause(cause);
  }

  @Test
  void anExpiredCertificateInsideAPathValidationFailureIsReportedAsExpired() {
    var expired = new CertificateExpiredException("NotAfter: Mon Nov 30 06:00:00 UTC 2026");
    var pkix = new CertificateException("PKIX path validation failed: validity check failed");
    pkix.initCause(expired);
    var handshake = new SSLHandshakeException("PKIX path validation failed");
    handshake.initCause(pkix);

    assertThat(TransportDiagnosis.explain(unavailable(handshake), true, "hub", SINK))
        .hasValueSatisfying(m -> assertThat(m).startsWith("the Hub's TLS certificate has expired"));
  }

  @Test
  void aNameMismatchNamesTheExpectedNameAndTheSettingThatChangesIt() {
    var cause =
        new CertificateException("No subject alternative DNS name matching 10.0.0.7 found.");

    assertThat(TransportDiagnosis.describe(unavailable(cause), true, "10.0.0.7", SINK))
        .isEqualTo(
            "UNAVAILABLE: io exception (the Hub's TLS certificate is not valid for 10.0.0.7: set"
                + " TLS_SERVER_NAME to a name the certificate carries)");
  }

  @Test
  void aClosedConnectionHintsAtTlsOnlyToAPlaintextClient() {
    var closed = Status.UNAVAILABLE.withDescription("Network closed for unknown reason");

    var reset = unavailable(new java.net.SocketException("Connection reset"));

    assertThat(TransportDiagnosis.explain(closed, false, "hub", SINK)).isPresent();
    assertThat(TransportDiagnosis.explain(reset, false, "hub", SINK)).isPresent();
    assertThat(TransportDiagnosis.explain(closed, true, "hub", SINK)).isEmpty();
    assertThat(TransportDiagnosis.explain(reset, true, "hub", SINK)).isEmpty();
  }

  @Test
  void credentialsAndOtherRefusalsAreLeftAsTheHubSaidThem() {
    var refused = Status.UNAUTHENTICATED.withDescription("unknown client id");

    assertThat(TransportDiagnosis.explain(refused, true, "hub", SINK)).isEmpty();
    assertThat(TransportDiagnosis.describe(refused, true, "hub", SINK))
        .isEqualTo("UNAUTHENTICATED: unknown client id");
  }

  @Test
  void theHostOfAnAuthorityDropsOnlyThePort() {
    assertThat(TransportDiagnosis.host("hub.example.com:50051")).isEqualTo("hub.example.com");
    assertThat(TransportDiagnosis.host("[::1]:50051")).isEqualTo("[::1]");
    assertThat(TransportDiagnosis.host("[::1]")).isEqualTo("[::1]");
    assertThat(TransportDiagnosis.host("hub")).isEqualTo("hub");
  }
}
