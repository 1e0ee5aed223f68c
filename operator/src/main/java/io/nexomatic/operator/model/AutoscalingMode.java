package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Who decides a fleet's replica count. */
public enum AutoscalingMode {
  /** {@code spec.replicas} decides. */
  @JsonProperty("None")
  NONE,
  /** A HorizontalPodAutoscaler on CPU utilisation decides. */
  @JsonProperty("Cpu")
  CPU,
  /** The operator decides from the Hub's backlog for the fleet's Sink Type and tenant. */
  @JsonProperty("Backlog")
  BACKLOG,
  /** One fresh pod per queued task: each sink takes exactly one task, delivers it and exits. */
  @JsonProperty("Ephemeral")
  EPHEMERAL;

  /** Whether {@code fleet} is in this mode and not suspended (suspension overrides every mode). */
  public boolean activeFor(SinkFleet fleet) {
    var spec = fleet.getSpec();
    return spec != null
        && !Boolean.TRUE.equals(spec.getSuspend())
        && spec.getAutoscaling() != null
        && spec.getAutoscaling().getMode() == this;
  }
}
