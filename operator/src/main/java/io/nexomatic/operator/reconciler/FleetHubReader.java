package io.nexomatic.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.model.SinkFleet;
import java.util.Optional;

/**
 * What reconcile() knows of a fleet's Hub. In the operator it is {@link HubPollingEventSource}'s
 * cache, so a reconcile never waits on a Hub, however slow or dead that Hub is.
 */
public interface FleetHubReader {

  /**
   * The latest observation of {@code fleet}'s Hub read with {@code credentials}; asks for a poll at
   * once when the fleet is new or its target changed, and answers without waiting for it.
   */
  HubObservation observe(SinkFleet fleet, DerivedCredentials credentials);

  /** {@code fleet} no longer needs its Hub read (another mode, or blocked): stop polling it. */
  default void forget(SinkFleet fleet) {}

  /** The event source that keeps the cache and triggers reconciles, when there is one. */
  default Optional<EventSource<?, SinkFleet>> eventSource() {
    return Optional.empty();
  }
}
