package io.nexomatic.operator.scaling;

import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.SinkFleet;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The planner until the backlog autoscaler exists: suspend means zero; None follows spec.replicas;
 * Cpu leaves the count to the HPA; Backlog keeps status.desiredReplicas (the count the fleet last
 * ran at, whether the autoscaler or the HPA chose it) within min/max, or starts at minReplicas.
 */
public final class SpecReplicaPlanner implements ReplicaPlanner {

  @Override
  public OptionalInt desiredReplicas(SinkFleet fleet) {
    var spec = fleet.getSpec();
    if (Boolean.TRUE.equals(spec.getSuspend())) {
      return OptionalInt.of(0);
    }
    var autoscaling = Objects.requireNonNullElseGet(spec.getAutoscaling(), AutoscalingSpec::new);
    var defaults = new AutoscalingSpec();
    var mode = Objects.requireNonNullElse(autoscaling.getMode(), AutoscalingMode.NONE);
    int min = Objects.requireNonNullElse(autoscaling.getMinReplicas(), defaults.getMinReplicas());
    int max = Objects.requireNonNullElse(autoscaling.getMaxReplicas(), defaults.getMaxReplicas());
    return switch (mode) {
      case NONE -> OptionalInt.of(Objects.requireNonNullElse(spec.getReplicas(), 1));
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
