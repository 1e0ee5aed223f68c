package io.nexomatic.operator.hub;

import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.model.SinkFleet;

/**
 * Which Hub a fleet's poll reads and as whom: the endpoint, the queue (Sink Type, tenant) and a
 * digest of the credentials, never the credentials themselves. A fleet whose target changes (spec
 * edited, Secret rotated) is polled afresh and its older readings no longer count.
 *
 * @param credentialsSha256 {@link DerivedCredentials#sha256()} of the credentials the poll uses
 */
public record HubTarget(
    HubEndpoint endpoint, String sinkType, String tenant, String credentialsSha256) {

  /** The target of {@code fleet} read with {@code credentials}. */
  public static HubTarget of(SinkFleet fleet, DerivedCredentials credentials) {
    // Derived here, like GrpcHubQueueSource does, so the poller's interface stays the fleet and
    // its credentials; the defaults (port, TLS, tenant) are EffectiveFleet's.
    var effective = EffectiveFleet.of(fleet.getSpec());
    return new HubTarget(
        HubEndpoint.of(effective, fleet.getMetadata().getNamespace(), credentials.caBundle()),
        effective.spec().getSinkType(),
        effective.tenantUuid(),
        credentials.sha256());
  }

  /** The endpoint only: what a status message or a log line may name. */
  @Override
  public String toString() {
    return endpoint.toString();
  }
}
