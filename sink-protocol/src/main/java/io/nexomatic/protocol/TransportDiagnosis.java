package io.nexomatic.protocol;

import io.grpc.Status;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a failed connection to the Hub into one sentence that names the cause and the setting that
 * fixes it, for the sink, the operator and the CLI alike: gRPC reports every TLS problem as {@code
 * UNAVAILABLE: io exception}, and the reason sits several causes deep.
 */
public final class TransportDiagnosis {

  /**
   * What the caller calls its settings, so the advice names the one to change.
   *
   * @param enableTls how to turn TLS on (for example "set TLS_ENABLED to true")
   * @param disableTls how to turn it off
   * @param caSetting the CA to trust (for example {@code TLS_CA_FILE})
   * @param serverNameSetting the name to expect in the Hub's certificate
   */
  public record Settings(
      String enableTls, String disableTls, String caSetting, String serverNameSetting) {}

  private TransportDiagnosis() {}

  /**
   * The cause of a failed call, when it is one of the transport problems users meet.
   *
   * @param status the call's status, with its cause
   * @param tls whether the caller spoke TLS
   * @param authority the name the caller expected in the certificate
   */
  public static Optional<String> explain(
      Status status, boolean tls, String authority, Settings settings) {
    if (status.getCode() != Status.Code.UNAVAILABLE && status.getCode() != Status.Code.INTERNAL) {
      return Optional.empty();
    }
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = status.getCause(); t != null && chain.size() < 20; t = t.getCause()) {
      chain.add(t);
    }
    // Outer exceptions repeat inner messages ("PKIX path validation failed: validity check
    // failed"), so the most specific cause anywhere in the chain wins.
    for (Throwable t : chain) {
      if (t instanceof CertificateExpiredException) {
        return Optional.of(
            "the Hub's TLS certificate has expired ("
                + t.getMessage()
                + "): renew the certificate the Hub serves");
      }
      if (t instanceof CertificateNotYetValidException) {
        return Optional.of(
            "the Hub's TLS certificate is not valid yet ("
                + t.getMessage()
                + "): check the clocks, or the certificate's start date");
      }
    }
    if (anyMessage(chain, "no subject alternative", "no name matching")) {
      return Optional.of(
          "the Hub's TLS certificate is not valid for "
              + authority
              + ": set "
              + settings.serverNameSetting()
              + " to a name the certificate carries");
    }
    if (anyMessage(chain, "unable to find valid certification path", "pkix path")) {
      return Optional.of(
          "the Hub's TLS certificate is not signed by a CA this side trusts: point "
              + settings.caSetting()
              + " at the CA that issued it");
    }
    if (chain.stream().anyMatch(t -> t.getClass().getSimpleName().equals("NotSslRecordException"))
        || anyMessage(chain, "not an ssl/tls record")) {
      return Optional.of(
          "the Hub does not speak TLS on this port: "
              + settings.disableTls()
              + ", or use the Hub's TLS port");
    }
    String description = String.valueOf(status.getDescription());
    // A TLS port drops a plaintext HTTP/2 preface without a word, resets it, or answers with a
    // TLS alert record (0x15 0x03): whichever the client sees is the one hint it gets.
    if (!tls
        && (description.contains("Network closed for unknown reason")
            || anyMessage(chain, "connection reset")
            || (description.contains("first received frame was not SETTINGS")
                && description.contains("1503")))) {
      return Optional.of(
          "the Hub closed the connection before answering, as a Hub that expects TLS on this port"
              + " does with plaintext: if it does, "
              + settings.enableTls());
    }
    return Optional.empty();
  }

  private static boolean anyMessage(List<Throwable> chain, String... needles) {
    for (Throwable t : chain) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      for (String needle : needles) {
        if (message.contains(needle)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The host part of {@code host:port} (or of {@code [v6]:port}), as a certificate must name it.
   */
  public static String host(String authority) {
    int colon = authority.lastIndexOf(':');
    return colon > 0 && authority.indexOf(']') < colon ? authority.substring(0, colon) : authority;
  }

  /** {@code CODE: description}, followed by the explanation when there is one. */
  public static String describe(Status status, boolean tls, String authority, Settings settings) {
    String base = status.getCode() + ": " + status.getDescription();
    return explain(status, tls, authority, settings).map(e -> base + " (" + e + ")").orElse(base);
  }
}
