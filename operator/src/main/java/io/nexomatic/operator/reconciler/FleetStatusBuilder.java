package io.nexomatic.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.nexomatic.operator.children.EphemeralPods;
import io.nexomatic.operator.children.FleetLabels;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetStatus;
import io.nexomatic.operator.scaling.BacklogAutoscaler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Optional;

/** Builds a fleet's status from a verdict and the observed Deployment. */
public final class FleetStatusBuilder {

  private final Clock clock;

  public FleetStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param desiredReplicas the count the operator asks for; null keeps the previous value
   * @param backlog the backlog autoscaler's outcome of this reconcile, when it ran
   */
  public SinkFleetStatus build(
      SinkFleet fleet,
      Verdict verdict,
      Integer desiredReplicas,
      Optional<Deployment> deployment,
      Optional<BacklogAutoscaler.Outcome> backlog) {
    var depStatus = deployment.map(Deployment::getStatus);
    return build(
        fleet,
        verdict,
        desiredReplicas,
        depStatus.map(s -> Objects.requireNonNullElse(s.getReplicas(), 0)).orElse(0),
        depStatus.map(s -> Objects.requireNonNullElse(s.getReadyReplicas(), 0)).orElse(0),
        backlog);
  }

  /**
   * @param replicas the sink pods that run (the Deployment's, or an Ephemeral fleet's own)
   * @param readyReplicas of those, the Ready ones
   */
  public SinkFleetStatus build(
      SinkFleet fleet,
      Verdict verdict,
      Integer desiredReplicas,
      int replicas,
      int readyReplicas,
      Optional<BacklogAutoscaler.Outcome> backlog) {
    var previous = Optional.ofNullable(fleet.getStatus()).orElseGet(SinkFleetStatus::new);
    var status = new SinkFleetStatus();
    status.setObservedGeneration(fleet.getMetadata().getGeneration());
    status.setReplicas(replicas);
    status.setReadyReplicas(readyReplicas);
    status.setDesiredReplicas(
        desiredReplicas != null ? desiredReplicas : previous.getDesiredReplicas());
    status.setSelector(FleetLabels.selectorString(fleet));
    var conditions =
        new ConditionsBuilder(previous.getConditions(), fleet.getMetadata().getGeneration(), clock);
    var all = new ArrayList<>(conditions.build(verdict));
    if (backlog.isPresent()) {
      var outcome = backlog.get();
      outcome
          .view()
          .ifPresentOrElse(
              view -> {
                status.setQueued(view.queued());
                status.setConnectedSinks(view.connectedSinks());
                status.setBusySinks(view.busySinks());
              },
              () -> carryHubView(previous, status));
      status.setLastScaleTime(outcome.lastScaleTime());
      status.setActiveSchedule(outcome.activeSchedule());
      status.setScaleDownPending(outcome.pending());
      var earlier = scalingActive(previous);
      if (BacklogAutoscaler.AWAITING_READING.equals(outcome.reason()) && earlier.isPresent()) {
        // Not read yet (a restarted operator's first look): what the status said still stands.
        all.add(earlier.get());
      } else {
        all.add(
            conditions.scalingActive(outcome.scalingActive(), outcome.reason(), outcome.message()));
      }
    } else if (BacklogAutoscaler.applies(fleet) || EphemeralPods.runFor(fleet)) {
      // Blocked before the autoscaler ran (invalid spec, missing Secret): keep what it knew,
      // including a pending scale-down, so nothing restarts when the fleet recovers.
      carryHubView(previous, status);
      status.setLastScaleTime(previous.getLastScaleTime());
      status.setActiveSchedule(previous.getActiveSchedule());
      status.setScaleDownPending(previous.getScaleDownPending());
      scalingActive(previous).ifPresent(all::add);
    }
    status.setConditions(all);
    return status;
  }

  private static Optional<Condition> scalingActive(SinkFleetStatus status) {
    return status.getConditions() == null
        ? Optional.empty()
        : status.getConditions().stream()
            .filter(c -> ConditionTypes.SCALING_ACTIVE.equals(c.getType()))
            .findFirst();
  }

  private static void carryHubView(SinkFleetStatus previous, SinkFleetStatus status) {
    status.setQueued(previous.getQueued());
    status.setConnectedSinks(previous.getConnectedSinks());
    status.setBusySinks(previous.getBusySinks());
  }
}
