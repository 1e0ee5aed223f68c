package io.nexomatic.operator.reconciler;

/** The stable condition reasons a SinkFleet reports; alerts and Argo CD key on them. */
public final class Reasons {

  /** The spec breaks a rule; the message names the field and the fix. */
  public static final String INVALID_SPEC = "InvalidSpec";

  /** A referenced Secret does not exist. */
  public static final String SECRET_NOT_FOUND = "SecretNotFound";

  /** A referenced Secret lacks the referenced key. */
  public static final String SECRET_KEY_MISSING = "SecretKeyMissing";

  /** The Deployment cannot make progress (deadline exceeded, replica failure). */
  public static final String DEPLOYMENT_FAILED = "DeploymentFailed";

  /** The fleet is suspended (zero sinks). */
  public static final String SUSPENDED = "Suspended";

  /** The fleet runs zero sinks because its replica count is zero. */
  public static final String SCALED_TO_ZERO = "ScaledToZero";

  /** Sinks are being created, replaced or removed, or are not yet connected. */
  public static final String ROLLOUT_IN_PROGRESS = "RolloutInProgress";

  /** Every desired sink runs the current template and is connected. */
  public static final String AVAILABLE = "Available";

  /** Writing a child failed; the operator retries with back-off. */
  public static final String RECONCILE_ERROR = "ReconcileError";

  /** An Ephemeral fleet's most recently finished pod failed; the message has its last words. */
  public static final String POD_FAILED = "PodFailed";

  /** An Ephemeral fleet starts one pod per queued task and is keeping up. */
  public static final String EPHEMERAL_SERVING = "EphemeralServing";

  /** Event reason: a capacity schedule started or ended. */
  public static final String SCHEDULE = "CapacitySchedule";

  /** Event reason: the backlog autoscaler changed the replica count. */
  public static final String SCALED = "Scaled";

  private Reasons() {}
}
