package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * A scale-down the backlog autoscaler is waiting to make: kept in status, not in memory, so a
 * restarted operator neither forgets the window nor shrinks the fleet early.
 */
public class ScaleDownPending {

  /** When the backlog first called for fewer sinks than the fleet runs (RFC 3339). */
  @JsonPropertyDescription(
      "When the backlog first called for fewer sinks than the fleet runs (RFC 3339).")
  private String since;

  /** The most sinks the backlog has called for since then: the count the fleet shrinks to. */
  @JsonPropertyDescription(
      "The most sinks the backlog has called for since then: the count the fleet shrinks to.")
  private Integer replicas;

  public ScaleDownPending() {}

  public ScaleDownPending(String since, Integer replicas) {
    this.since = since;
    this.replicas = replicas;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScaleDownPending other
        && Objects.equals(since, other.since)
        && Objects.equals(replicas, other.replicas);
  }

  @Override
  public int hashCode() {
    return Objects.hash(since, replicas);
  }

  @Override
  public String toString() {
    return "ScaleDownPending[since=" + since + ", replicas=" + replicas + "]";
  }
}
