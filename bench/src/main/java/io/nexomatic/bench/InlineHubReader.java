package io.nexomatic.bench;

import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.hub.HubQueueSource;
import io.nexomatic.operator.hub.HubReadException;
import io.nexomatic.operator.hub.HubTarget;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.reconciler.FleetHubReader;
import java.time.Clock;

/**
 * The operator's old path, kept only as this benchmark's baseline: reconcile() itself reads the Hub
 * and waits for the answer, up to the read's deadline.
 */
final class InlineHubReader implements FleetHubReader {

  private final HubQueueSource hub;
  private final Clock clock;

  InlineHubReader(HubQueueSource hub, Clock clock) {
    this.hub = hub;
    this.clock = clock;
  }

  @Override
  public HubObservation observe(SinkFleet fleet, DerivedCredentials credentials) {
    var target = HubTarget.of(fleet, credentials);
    try {
      return HubObservation.reading(target, hub.read(fleet, credentials), clock.instant());
    } catch (HubReadException e) {
      return HubObservation.failure(target, e, clock.instant());
    }
  }
}
