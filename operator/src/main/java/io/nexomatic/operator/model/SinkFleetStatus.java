package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The observed fleet, as the operator and the Hub see it. */
public class SinkFleetStatus {

  /** The metadata.generation this status describes. */
  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  /** Sink pods that exist (the Deployment's status.replicas). */
  @JsonPropertyDescription("Sink pods that exist (the Deployment's status.replicas).")
  @StatusReplicas
  private Integer replicas;

  /** Sink pods whose Hub session is established (readiness). */
  @JsonPropertyDescription("Sink pods whose Hub session is established (readiness).")
  private Integer readyReplicas;

  /** The replica count the operator asks for (absent while an HPA decides). */
  @JsonPropertyDescription("The replica count the operator asks for (absent while an HPA decides).")
  private Integer desiredReplicas;

  /** Label selector of the fleet's pods, for the scale subresource. */
  @JsonPropertyDescription("Label selector of the fleet's pods, for the scale subresource.")
  @LabelSelector
  private String selector;

  /**
   * Ready, Progressing, Degraded, and Stalled / Reconciling for kstatus readers; reasons are stable
   * (see docs/sinkfleet-reference.md).
   */
  @JsonPropertyDescription(
      "Ready, Progressing, Degraded, and Stalled / Reconciling for kstatus readers; reasons are stable (see docs/sinkfleet-reference.md).")
  private List<Condition> conditions = new ArrayList<>();

  /** Sinks of this fleet connected to the Hub (filled by the backlog autoscaler). */
  @JsonPropertyDescription(
      "Sinks of this fleet connected to the Hub (filled by the backlog autoscaler).")
  private Integer connectedSinks;

  /** Connected sinks running at least one task (filled by the backlog autoscaler). */
  @JsonPropertyDescription(
      "Connected sinks running at least one task (filled by the backlog autoscaler).")
  private Integer busySinks;

  /** Tasks queued at the Hub for this fleet's Sink Type and tenant. */
  @JsonPropertyDescription("Tasks queued at the Hub for this fleet's Sink Type and tenant.")
  private Long queued;

  /** When the autoscaler last changed the replica count (RFC 3339). */
  @JsonPropertyDescription("When the autoscaler last changed the replica count (RFC 3339).")
  private String lastScaleTime;

  /** Backlog: the scale-down waiting out autoscaling.scaleDownStabilizationSeconds, if any. */
  @JsonPropertyDescription(
      "Backlog: the scale-down waiting out autoscaling.scaleDownStabilizationSeconds, if any.")
  private ScaleDownPending scaleDownPending;

  /** Backlog: the capacity schedule raising the floor now (its name, else its cron), if any. */
  @JsonPropertyDescription(
      "Backlog: the capacity schedule raising the floor now (its name, else its cron), if any.")
  private String activeSchedule;

  public String getActiveSchedule() {
    return activeSchedule;
  }

  public void setActiveSchedule(String activeSchedule) {
    this.activeSchedule = activeSchedule;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public Integer getDesiredReplicas() {
    return desiredReplicas;
  }

  public void setDesiredReplicas(Integer desiredReplicas) {
    this.desiredReplicas = desiredReplicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Integer getConnectedSinks() {
    return connectedSinks;
  }

  public void setConnectedSinks(Integer connectedSinks) {
    this.connectedSinks = connectedSinks;
  }

  public Integer getBusySinks() {
    return busySinks;
  }

  public void setBusySinks(Integer busySinks) {
    this.busySinks = busySinks;
  }

  public Long getQueued() {
    return queued;
  }

  public void setQueued(Long queued) {
    this.queued = queued;
  }

  public String getLastScaleTime() {
    return lastScaleTime;
  }

  public void setLastScaleTime(String lastScaleTime) {
    this.lastScaleTime = lastScaleTime;
  }

  public ScaleDownPending getScaleDownPending() {
    return scaleDownPending;
  }

  public void setScaleDownPending(ScaleDownPending scaleDownPending) {
    this.scaleDownPending = scaleDownPending;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SinkFleetStatus other
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(replicas, other.replicas)
        && Objects.equals(readyReplicas, other.readyReplicas)
        && Objects.equals(desiredReplicas, other.desiredReplicas)
        && Objects.equals(selector, other.selector)
        && Objects.equals(conditions, other.conditions)
        && Objects.equals(connectedSinks, other.connectedSinks)
        && Objects.equals(busySinks, other.busySinks)
        && Objects.equals(queued, other.queued)
        && Objects.equals(lastScaleTime, other.lastScaleTime)
        && Objects.equals(scaleDownPending, other.scaleDownPending)
        && Objects.equals(activeSchedule, other.activeSchedule);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, replicas, readyReplicas, desiredReplicas, selector);
  }
}
