package io.nexomatic.operator.reconciler;

import java.util.List;

/** The condition types a SinkFleet reports, in the order they are listed. */
public final class ConditionTypes {

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  /** kstatus: progress needs someone to act. */
  public static final String STALLED = "Stalled";

  /** kstatus: the controller is still working towards the spec. */
  public static final String RECONCILING = "Reconciling";

  /** Backlog fleets only: whether the autoscaler can read the Hub's queue. */
  public static final String SCALING_ACTIVE = "ScalingActive";

  /** The conditions every fleet reports (Backlog fleets add {@link #SCALING_ACTIVE}). */
  public static final List<String> ALL =
      List.of(READY, PROGRESSING, DEGRADED, STALLED, RECONCILING);

  private ConditionTypes() {}
}
