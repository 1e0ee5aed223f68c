package io.nexomatic.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.nexomatic.operator.model.SinkFleet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Reads a fleet's Deployment into a {@link Verdict}. */
public final class DeploymentHealth {

  private DeploymentHealth() {}

  /**
   * @param desired the replicas the fleet asks for (for Cpu mode, what the HPA set)
   */
  public static Verdict evaluate(SinkFleet fleet, Optional<Deployment> deployment, int desired) {
    if (deployment.isEmpty()) {
      return Verdict.progressing(Reasons.ROLLOUT_IN_PROGRESS, "creating the Deployment");
    }
    var dep = deployment.get();
    var status = Objects.requireNonNullElseGet(dep.getStatus(), DeploymentStatus::new);
    Optional<String> failure = failure(status.getConditions());
    if (failure.isPresent()) {
      return Verdict.blocked(
          Reasons.DEPLOYMENT_FAILED,
          "Deployment " + dep.getMetadata().getName() + " failed: " + failure.get());
    }
    long generation = Objects.requireNonNullElse(dep.getMetadata().getGeneration(), 0L);
    long observed = Objects.requireNonNullElse(status.getObservedGeneration(), 0L);
    int replicas = Objects.requireNonNullElse(status.getReplicas(), 0);
    int updated = Objects.requireNonNullElse(status.getUpdatedReplicas(), 0);
    int available = Objects.requireNonNullElse(status.getAvailableReplicas(), 0);
    int ready = Objects.requireNonNullElse(status.getReadyReplicas(), 0);
    boolean complete =
        observed >= generation && replicas == desired && updated == desired && available == desired;
    boolean suspended = Boolean.TRUE.equals(fleet.getSpec().getSuspend());
    if (suspended || desired == 0) {
      String reason = suspended ? Reasons.SUSPENDED : Reasons.SCALED_TO_ZERO;
      String why = suspended ? "suspended" : "scaled to zero";
      return complete
          ? Verdict.settled(reason, "fleet " + why + ": no sinks running")
          : Verdict.progressing(
              reason, "fleet " + why + ": waiting for " + replicas + " sinks to drain and stop");
    }
    if (!complete) {
      return Verdict.progressing(
          Reasons.ROLLOUT_IN_PROGRESS,
          ready
              + " of "
              + desired
              + " sinks ready, "
              + updated
              + " on the current template (a sink is ready while its Hub session is"
              + " established)");
    }
    return Verdict.settled(Reasons.AVAILABLE, desired + " of " + desired + " sinks ready");
  }

  private static Optional<String> failure(List<DeploymentCondition> conditions) {
    if (conditions == null) {
      return Optional.empty();
    }
    for (var c : conditions) {
      boolean deadline =
          "Progressing".equals(c.getType())
              && "False".equals(c.getStatus())
              && "ProgressDeadlineExceeded".equals(c.getReason());
      boolean replicaFailure = "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus());
      if (deadline || replicaFailure) {
        return Optional.of(
            Objects.requireNonNullElse(c.getMessage(), Objects.toString(c.getReason(), "")));
      }
    }
    return Optional.empty();
  }
}
