package io.nexomatic.operator.scaling;

import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.model.SinkFleet;
import java.util.OptionalInt;

/**
 * Decides how many sinks a fleet runs, from its spec and status alone (no in-memory state, so a
 * restarted operator decides the same). The backlog autoscaler plugs in here: it records its
 * decision in status.desiredReplicas and a planner turns spec and status into the count the
 * Deployment declares.
 */
public interface ReplicaPlanner {

  /**
   * The replicas the Deployment should declare, or empty while an HPA owns the count; {@code
   * effective} is {@code fleet}'s spec with its defaults applied.
   */
  OptionalInt desiredReplicas(SinkFleet fleet, EffectiveFleet effective);
}
