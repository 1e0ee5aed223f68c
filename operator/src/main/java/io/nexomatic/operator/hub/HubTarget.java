package io.nexomatic.operator.hub;

import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.TenantSpec;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
    var spec = fleet.getSpec();
    return new HubTarget(
        HubEndpoint.of(spec.getHub(), fleet.getMetadata().getNamespace(), credentials.caBundle()),
        spec.getSinkType(),
        Optional.ofNullable(spec.getTenant()).map(TenantSpec::getUuid).orElse(""),
        credentials.sha256());
  }

  /** How often {@code fleet}'s Hub is read: spec.autoscaling.pollIntervalSeconds or its default. */
  public static Duration pollInterval(SinkFleet fleet) {
    var autoscaling =
        Objects.requireNonNullElseGet(fleet.getSpec().getAutoscaling(), AutoscalingSpec::new);
    return Duration.ofSeconds(
        Objects.requireNonNullElse(
            autoscaling.getPollIntervalSeconds(), new AutoscalingSpec().getPollIntervalSeconds()));
  }

  /** The endpoint only: what a status message or a log line may name. */
  @Override
  public String toString() {
    return endpoint.toString();
  }
}
