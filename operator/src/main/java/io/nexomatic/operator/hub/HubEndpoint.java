package io.nexomatic.operator.hub;

import io.nexomatic.operator.fleet.EffectiveFleet;
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

  /**
   * The endpoint a fleet's sinks use, as seen from the operator's pod: its hub settings resolved in
   * the fleet's namespace, plus the CA bundle its pods mount.
   */
  public static HubEndpoint of(
      EffectiveFleet fleet, String fleetNamespace, Optional<byte[]> caBundle) {
    HubSpec hub = fleet.spec().getHub();
    var tls = hub.getTls();
    boolean enabled = fleet.tlsEnabled();
    Optional<String> serverName =
        enabled
            ? Optional.ofNullable(tls).map(t -> t.getServerName()).filter(n -> !n.isBlank())
            : Optional.empty();
    String host = hub.getHost();
    if (isBareServiceName(host) && fleetNamespace != null && !fleetNamespace.isBlank()) {
      // A single label resolves through the pod's DNS search path: for the sinks that is their
      // namespace, for the operator its own. Qualified, both reach the same Service, and the
      // authority (TLS server name) stays the name the sinks present.
      serverName = Optional.of(serverName.orElse(host));
      host = host + "." + fleetNamespace + ".svc";
    }
    return new HubEndpoint(
        host, fleet.hubPort(), enabled, serverName, enabled ? caBundle : Optional.empty());
  }

  private static boolean isBareServiceName(String host) {
    return host != null
        && !host.isBlank()
        && host.indexOf('.') < 0
        && host.indexOf(':') < 0
        && !host.equalsIgnoreCase("localhost");
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
