package io.nexomatic.operator.scaling;

import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.model.SinkFleet;
import java.util.OptionalInt;

/**
 * The planner until the backlog autoscaler exists: suspend means zero; None follows spec.replicas;
 * Cpu leaves the count to the HPA; Backlog keeps status.desiredReplicas (the count the fleet last
 * ran at, whether the autoscaler or the HPA chose it) within min/max, or starts at minReplicas.
 */
public final class SpecReplicaPlanner implements ReplicaPlanner {

  @Override
  public OptionalInt desiredReplicas(SinkFleet fleet, EffectiveFleet effective) {
    if (effective.suspended()) {
      return OptionalInt.of(0);
    }
    int min = effective.minReplicas();
    int max = effective.maxReplicas();
    return switch (effective.mode()) {
      case NONE -> OptionalInt.of(effective.replicas());
      case CPU -> OptionalInt.empty();
      // No Deployment: the operator starts one pod per task (EphemeralScaler).
      case EPHEMERAL -> OptionalInt.of(0);
      case BACKLOG -> {
        var status = fleet.getStatus();
        Integer decided = status == null ? null : status.getDesiredReplicas();
        yield OptionalInt.of(decided == null ? min : Math.max(min, Math.min(max, decided)));
      }
    };
  }
}
