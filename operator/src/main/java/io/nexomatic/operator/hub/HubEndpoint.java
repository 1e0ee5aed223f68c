package io.nexomatic.operator.hub;

import io.nexomatic.operator.model.HubSpec;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to reach a Hub: one channel per distinct endpoint is shared by every fleet that
 * names it.
 *
 * @param caBundle PEM certificates to trust instead of the system's, when set
 * @param serverName the TLS server name (and authority) to use instead of {@code host}, when set
 */
public record HubEndpoint(
    String host, int port, boolean tls, Optional<String> serverName, Optional<byte[]> caBundle) {

  /** The endpoint a fleet's sinks use: its hub spec plus the CA bundle its pods mount. */
  public static HubEndpoint of(HubSpec hub, Optional<byte[]> caBundle) {
    var tls = hub.getTls();
    boolean enabled = tls != null && Boolean.TRUE.equals(tls.getEnabled());
    Optional<String> serverName =
        Optional.ofNullable(tls).map(t -> t.getServerName()).filter(n -> !n.isBlank());
    return new HubEndpoint(
        hub.getHost(),
        Objects.requireNonNullElse(hub.getPort(), 50051),
        enabled,
        enabled ? serverName : Optional.empty(),
        enabled ? caBundle : Optional.empty());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HubEndpoint other
        && host.equals(other.host)
        && port == other.port
        && tls == other.tls
        && serverName.equals(other.serverName)
        && Arrays.equals(caBundle.orElse(null), other.caBundle.orElse(null));
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, tls, serverName, Arrays.hashCode(caBundle.orElse(null)));
  }

  @Override
  public String toString() {
    return (tls ? "https://" : "http://") + host + ":" + port;
  }
}
