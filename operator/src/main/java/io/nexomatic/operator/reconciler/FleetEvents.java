package io.nexomatic.operator.reconciler;

import io.nexomatic.operator.model.SinkFleet;

/** Publishes a fleet's state transitions as Kubernetes Events. */
public interface FleetEvents {

  /** Records that {@code fleet} moved to {@code verdict}. */
  void transitioned(SinkFleet fleet, Verdict verdict);
}
