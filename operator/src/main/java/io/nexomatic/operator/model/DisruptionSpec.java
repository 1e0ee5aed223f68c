package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** Voluntary-disruption limits, enforced by the fleet's PodDisruptionBudget. */
public class DisruptionSpec {

  /** Sinks that may be evicted at once (node drains, cluster upgrades). */
  @JsonPropertyDescription("Sinks that may be evicted at once (node drains, cluster upgrades).")
  @Default("1")
  @Min(0)
  private Integer maxUnavailable = 1;

  public Integer getMaxUnavailable() {
    return maxUnavailable;
  }

  public void setMaxUnavailable(Integer maxUnavailable) {
    this.maxUnavailable = maxUnavailable;
  }
}
