package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The container image pull policy. */
public enum ImagePullPolicy {
  /** Pull on every pod start. */
  @JsonProperty("Always")
  ALWAYS,
  /** Pull only when the node lacks the image. */
  @JsonProperty("IfNotPresent")
  IF_NOT_PRESENT,
  /** Never pull. */
  @JsonProperty("Never")
  NEVER;

  /** The value Kubernetes expects in a container spec. */
  public String kubernetesValue() {
    return switch (this) {
      case ALWAYS -> "Always";
      case IF_NOT_PRESENT -> "IfNotPresent";
      case NEVER -> "Never";
    };
  }
}
