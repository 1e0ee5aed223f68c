package io.nexomatic.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.nexomatic.operator.children.FleetLabels;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetStatus;
import java.time.Clock;
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
   */
  public SinkFleetStatus build(
      SinkFleet fleet, Verdict verdict, Integer desiredReplicas, Optional<Deployment> deployment) {
    var previous = Optional.ofNullable(fleet.getStatus()).orElseGet(SinkFleetStatus::new);
    var status = new SinkFleetStatus();
    status.setObservedGeneration(fleet.getMetadata().getGeneration());
    var depStatus = deployment.map(Deployment::getStatus);
    status.setReplicas(
        depStatus.map(s -> Objects.requireNonNullElse(s.getReplicas(), 0)).orElse(0));
    status.setReadyReplicas(
        depStatus.map(s -> Objects.requireNonNullElse(s.getReadyReplicas(), 0)).orElse(0));
    status.setDesiredReplicas(
        desiredReplicas != null ? desiredReplicas : previous.getDesiredReplicas());
    status.setSelector(FleetLabels.selectorString(fleet));
    status.setConditions(
        new ConditionsBuilder(previous.getConditions(), fleet.getMetadata().getGeneration(), clock)
            .build(verdict));
    // The Hub's view belongs to the backlog autoscaler; carried over untouched.
    status.setConnectedSinks(previous.getConnectedSinks());
    status.setBusySinks(previous.getBusySinks());
    status.setQueued(previous.getQueued());
    status.setLastScaleTime(previous.getLastScaleTime());
    return status;
  }
}
