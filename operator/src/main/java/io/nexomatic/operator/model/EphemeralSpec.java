package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How an Ephemeral fleet cleans up its finished one-task pods. */
public class EphemeralSpec {

  /** Seconds a pod that delivered its task is kept before it is deleted. */
  @JsonPropertyDescription(
      "Seconds a pod that delivered its task (phase Succeeded) is kept before it is deleted.")
  @Default("60")
  @Min(0)
  @Max(604800)
  private Integer ttlSecondsAfterFinished = 60;

  /** Failed pods kept for inspection, newest first; older ones are deleted. */
  @JsonPropertyDescription(
      "Failed pods kept for inspection (kubectl logs, describe), newest first; older ones are"
          + " deleted.")
  @Default("3")
  @Min(0)
  @Max(100)
  private Integer failedPodsHistoryLimit = 3;

  public Integer getTtlSecondsAfterFinished() {
    return ttlSecondsAfterFinished;
  }

  public void setTtlSecondsAfterFinished(Integer ttlSecondsAfterFinished) {
    this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
  }

  public Integer getFailedPodsHistoryLimit() {
    return failedPodsHistoryLimit;
  }

  public void setFailedPodsHistoryLimit(Integer failedPodsHistoryLimit) {
    this.failedPodsHistoryLimit = failedPodsHistoryLimit;
  }
}
