package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Settings of the sink runtime inside each pod. */
public class RuntimeSpec {

  /** Default of {@link #drainTimeoutSeconds}. */
  public static final int DEFAULT_DRAIN_TIMEOUT_SECONDS = 120;

  /** Bytes of log kept per task (head plus tail); the rest is dropped with a marker. */
  @JsonPropertyDescription(
      "Bytes of log kept per task (head plus tail); the rest is dropped with a marker.")
  @Default("5242880")
  @Min(1024)
  private Long maxLogBytes = 5_242_880L;

  /** Seconds a task may run before it is killed and reported as ERROR. */
  @JsonPropertyDescription("Seconds a task may run before it is killed and reported as ERROR.")
  @Default("3600")
  @Min(1)
  private Integer taskTimeoutSeconds = 3600;

  /** Local queue depth at which a sink tells the Hub it is back-pressured. */
  @JsonPropertyDescription("Local queue depth at which a sink tells the Hub it is back-pressured.")
  @Default("10")
  @Min(1)
  private Integer backpressureThreshold = 10;

  /** Tasks each sink runs at once. */
  @JsonPropertyDescription("Tasks each sink runs at once.")
  @Default("1")
  @Min(1)
  @Max(256)
  private Integer concurrency = 1;

  /** Extra tasks a sink may hold beyond its concurrency; the runtime's default when unset. */
  @JsonPropertyDescription(
      "Extra tasks a sink may hold beyond its concurrency; the runtime's default when unset.")
  @Min(0)
  @Max(256)
  private Integer prefetch;

  /**
   * Seconds a terminating sink lets running tasks finish before handing them back; must stay below
   * the pod's terminationGracePeriodSeconds.
   */
  @JsonPropertyDescription(
      "Seconds a terminating sink lets running tasks finish before handing them back; must stay below the pod's terminationGracePeriodSeconds.")
  @Default("120")
  @Min(1)
  private Integer drainTimeoutSeconds = DEFAULT_DRAIN_TIMEOUT_SECONDS;

  public Long getMaxLogBytes() {
    return maxLogBytes;
  }

  public void setMaxLogBytes(Long maxLogBytes) {
    this.maxLogBytes = maxLogBytes;
  }

  public Integer getTaskTimeoutSeconds() {
    return taskTimeoutSeconds;
  }

  public void setTaskTimeoutSeconds(Integer taskTimeoutSeconds) {
    this.taskTimeoutSeconds = taskTimeoutSeconds;
  }

  public Integer getBackpressureThreshold() {
    return backpressureThreshold;
  }

  public void setBackpressureThreshold(Integer backpressureThreshold) {
    this.backpressureThreshold = backpressureThreshold;
  }

  public Integer getConcurrency() {
    return concurrency;
  }

  public void setConcurrency(Integer concurrency) {
    this.concurrency = concurrency;
  }

  public Integer getPrefetch() {
    return prefetch;
  }

  public void setPrefetch(Integer prefetch) {
    this.prefetch = prefetch;
  }

  public Integer getDrainTimeoutSeconds() {
    return drainTimeoutSeconds;
  }

  public void setDrainTimeoutSeconds(Integer drainTimeoutSeconds) {
    this.drainTimeoutSeconds = drainTimeoutSeconds;
  }
}
