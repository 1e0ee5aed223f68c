package io.nexomatic.operator.validation;

/** One problem in a SinkFleet spec: the field at fault and how to fix it. */
public record SpecViolation(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
