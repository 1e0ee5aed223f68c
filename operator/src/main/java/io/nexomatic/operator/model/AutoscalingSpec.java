package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Who decides the replica count, and within which bounds. */
@ValidationRule(
    value = SpecRules.MIN_NOT_ABOVE_MAX_RULE,
    message = SpecRules.MIN_NOT_ABOVE_MAX_MESSAGE)
@ValidationRule(
    value = SpecRules.CPU_MIN_AT_LEAST_ONE_RULE,
    message = SpecRules.CPU_MIN_AT_LEAST_ONE_MESSAGE)
@ValidationRule(
    value = SpecRules.CPU_STABILIZATION_WITHIN_HPA_LIMIT_RULE,
    message = SpecRules.CPU_STABILIZATION_WITHIN_HPA_LIMIT_MESSAGE)
@ValidationRule(
    value = SpecRules.SCHEDULES_ONLY_IN_BACKLOG_RULE,
    message = SpecRules.SCHEDULES_ONLY_IN_BACKLOG_MESSAGE)
public class AutoscalingSpec {

  /**
   * None: spec.replicas decides. Cpu: a HorizontalPodAutoscaler on CPU utilisation owns the replica
   * count. Backlog: the operator sizes the fleet from the Hub's queue. Ephemeral: one fresh pod per
   * queued task, at most maxReplicas at once.
   */
  @JsonPropertyDescription(
      "None: spec.replicas decides. Cpu: a HorizontalPodAutoscaler on CPU utilisation owns the"
          + " replica count. Backlog: the operator sizes the fleet from the Hub's queue. Ephemeral:"
          + " one fresh pod per queued task (each sink takes exactly one task, delivers it and"
          + " exits), at most maxReplicas at once.")
  @Default("None")
  private AutoscalingMode mode = AutoscalingMode.NONE;

  /** Fewest replicas (Cpu: at least 1; Backlog: 0 allows scale-to-zero). */
  @JsonPropertyDescription("Fewest replicas (Cpu: at least 1; Backlog: 0 allows scale-to-zero).")
  @Default("1")
  @Min(0)
  private Integer minReplicas = 1;

  /** Most replicas (Ephemeral: most one-task pods at once). */
  @JsonPropertyDescription("Most replicas (Ephemeral: most one-task pods at once).")
  @Default("10")
  @Min(1)
  private Integer maxReplicas = 10;

  /** Cpu: the average CPU utilisation, in percent of requests, the HPA aims for. */
  @JsonPropertyDescription(
      "Cpu: the average CPU utilisation, in percent of requests, the HPA aims for.")
  @Default("80")
  @Min(1)
  @Max(1000)
  private Integer targetCPUUtilizationPercentage = 80;

  /** Backlog: tasks (queued plus leased) one sink is expected to carry. */
  @JsonPropertyDescription("Backlog: tasks (queued plus leased) one sink is expected to carry.")
  @Default("1")
  @Min(1)
  private Integer tasksPerSink = 1;

  /** Backlog and Ephemeral: seconds between reads of the Hub's queue statistics. */
  @JsonPropertyDescription(
      "Backlog and Ephemeral: seconds between reads of the Hub's queue statistics.")
  @Default("5")
  @Min(1)
  @Max(3600)
  private Integer pollIntervalSeconds = 5;

  /** Seconds demand must stay low before the fleet shrinks (Backlog: the backlog; Cpu: the HPA). */
  @JsonPropertyDescription(
      "Seconds demand must stay low before the fleet shrinks: in mode Backlog the Hub's backlog, in"
          + " mode Cpu the HPA's scale-down stabilization window (at most 3600).")
  @Default("300")
  @Min(0)
  @Max(86400)
  private Integer scaleDownStabilizationSeconds = 300;

  /** Backlog: what to do when the Hub's queue statistics cannot be read. */
  @JsonPropertyDescription("Backlog: what to do when the Hub's queue statistics cannot be read.")
  @Default("{}")
  private FallbackSpec fallback = new FallbackSpec();

  /** Backlog: recurring windows that raise the floor to their minReplicas while active. */
  @JsonPropertyDescription(
      "Backlog: recurring windows that raise the fewest replicas to their minReplicas while"
          + " active; the highest active one wins, and the floor never exceeds maxReplicas.")
  @Size(max = 20)
  private List<CapacityScheduleSpec> schedules;

  public List<CapacityScheduleSpec> getSchedules() {
    return schedules;
  }

  public void setSchedules(List<CapacityScheduleSpec> schedules) {
    this.schedules = schedules;
  }

  /** Ephemeral: how finished one-task pods are cleaned up. */
  @JsonPropertyDescription("Ephemeral: how finished one-task pods are cleaned up.")
  @Default("{}")
  private EphemeralSpec ephemeral = new EphemeralSpec();

  public EphemeralSpec getEphemeral() {
    return ephemeral;
  }

  public void setEphemeral(EphemeralSpec ephemeral) {
    this.ephemeral = ephemeral;
  }

  public AutoscalingMode getMode() {
    return mode;
  }

  public void setMode(AutoscalingMode mode) {
    this.mode = mode;
  }

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public Integer getTargetCPUUtilizationPercentage() {
    return targetCPUUtilizationPercentage;
  }

  public void setTargetCPUUtilizationPercentage(Integer targetCPUUtilizationPercentage) {
    this.targetCPUUtilizationPercentage = targetCPUUtilizationPercentage;
  }

  public Integer getTasksPerSink() {
    return tasksPerSink;
  }

  public void setTasksPerSink(Integer tasksPerSink) {
    this.tasksPerSink = tasksPerSink;
  }

  public Integer getPollIntervalSeconds() {
    return pollIntervalSeconds;
  }

  public void setPollIntervalSeconds(Integer pollIntervalSeconds) {
    this.pollIntervalSeconds = pollIntervalSeconds;
  }

  public Integer getScaleDownStabilizationSeconds() {
    return scaleDownStabilizationSeconds;
  }

  public void setScaleDownStabilizationSeconds(Integer scaleDownStabilizationSeconds) {
    this.scaleDownStabilizationSeconds = scaleDownStabilizationSeconds;
  }

  public FallbackSpec getFallback() {
    return fallback;
  }

  public void setFallback(FallbackSpec fallback) {
    this.fallback = fallback;
  }
}
