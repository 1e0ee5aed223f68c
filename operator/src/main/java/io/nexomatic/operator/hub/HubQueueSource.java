package io.nexomatic.operator.hub;

import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.model.SinkFleet;

/** Reads a fleet's queue from its Hub, with the fleet's own credentials. */
public interface HubQueueSource {

  /** The Hub's current view of {@code fleet}'s queue. */
  HubQueueView read(SinkFleet fleet, DerivedCredentials credentials) throws HubReadException;
}
