package io.nexomatic.operator.reconciler;

/**
 * What a reconciliation concluded about a fleet, in one of three shapes that fix every condition:
 * settled (Ready), progressing (Progressing, Reconciling) or blocked (Degraded, Stalled: someone
 * has to act).
 */
public record Verdict(Shape shape, String reason, String message) {

  /** The three states a fleet can be in. */
  public enum Shape {
    SETTLED,
    PROGRESSING,
    BLOCKED
  }

  public static Verdict settled(String reason, String message) {
    return new Verdict(Shape.SETTLED, reason, message);
  }

  public static Verdict progressing(String reason, String message) {
    return new Verdict(Shape.PROGRESSING, reason, message);
  }

  public static Verdict blocked(String reason, String message) {
    return new Verdict(Shape.BLOCKED, reason, message);
  }

  /** Whether events about this verdict are warnings. */
  public boolean isWarning() {
    return shape == Shape.BLOCKED;
  }
}
