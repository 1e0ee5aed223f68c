package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** The backlog autoscaler's behaviour while the Hub cannot be read. */
@ValidationRule(
    value = SpecRules.FIXED_FALLBACK_NEEDS_REPLICAS_RULE,
    message = SpecRules.FIXED_FALLBACK_NEEDS_REPLICAS_MESSAGE)
public class FallbackSpec {

  /** KeepCurrent keeps the last decision; Fixed runs fallback.replicas sinks. */
  @JsonPropertyDescription(
      "KeepCurrent keeps the last decision; Fixed runs fallback.replicas sinks.")
  @Default("KeepCurrent")
  private FallbackPolicy policy = FallbackPolicy.KEEP_CURRENT;

  /** Replicas to run under the Fixed policy. */
  @JsonPropertyDescription("Replicas to run under the Fixed policy.")
  @Min(0)
  private Integer replicas;

  public FallbackPolicy getPolicy() {
    return policy;
  }

  public void setPolicy(FallbackPolicy policy) {
    this.policy = policy;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }
}
