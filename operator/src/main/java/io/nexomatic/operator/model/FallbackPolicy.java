package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the backlog autoscaler does when the Hub's queue statistics cannot be read. */
public enum FallbackPolicy {
  /** Keep the replica count last decided. */
  @JsonProperty("KeepCurrent")
  KEEP_CURRENT,
  /** Run {@code autoscaling.fallback.replicas} sinks. */
  @JsonProperty("Fixed")
  FIXED
}
