package io.nexomatic.operator.model;

/**
 * The SinkFleet's cross-field rules, each as its CEL text and message: the model's
 * {@code @ValidationRule} annotations put them into the CRD, and the reconciler's validator reports
 * the same messages, so both halves read one declaration without the model depending on validation.
 */
public final class SpecRules {

  /** On AuthSpec. */
  public static final String CLIENT_SECRET_REQUIRED_RULE =
      "(has(self.method) && self.method != 'ClientSecret') || has(self.clientSecretRef)";

  public static final String CLIENT_SECRET_REQUIRED_MESSAGE =
      "auth.clientSecretRef {name, key} is required when auth.method is ClientSecret:"
          + " name the Secret key holding the Sink Type's client secret";

  /** On AuthSpec. */
  public static final String ENTRA_ID_REQUIRED_RULE =
      "!has(self.method) || self.method != 'EntraId' || has(self.entraId)";

  public static final String ENTRA_ID_REQUIRED_MESSAGE =
      "auth.entraId {tenantId, clientId} is required when auth.method is EntraId:"
          + " set the Entra ID tenant and the workload identity's client id";

  /** On TenantSpec. */
  public static final String TENANT_UUID_REQUIRED_RULE =
      "!has(self.secretRef) || (has(self.uuid) && size(self.uuid) > 0)";

  public static final String TENANT_UUID_REQUIRED_MESSAGE =
      "tenant.secretRef needs tenant.uuid: set the tenant's UUID, or remove tenant.secretRef"
          + " to serve all tenants";

  /** On AutoscalingSpec. */
  public static final String MIN_NOT_ABOVE_MAX_RULE =
      "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas";

  public static final String MIN_NOT_ABOVE_MAX_MESSAGE =
      "autoscaling.minReplicas must not exceed autoscaling.maxReplicas:"
          + " lower minReplicas or raise maxReplicas";

  /** On AutoscalingSpec. */
  public static final String CPU_MIN_AT_LEAST_ONE_RULE =
      "!has(self.mode) || self.mode != 'Cpu' || !has(self.minReplicas) || self.minReplicas >= 1";

  public static final String CPU_MIN_AT_LEAST_ONE_MESSAGE =
      "autoscaling.minReplicas must be at least 1 when autoscaling.mode is Cpu"
          + " (a HorizontalPodAutoscaler cannot scale to zero): use mode Backlog to scale to zero";

  public static final String CPU_STABILIZATION_WITHIN_HPA_LIMIT_RULE =
      "!has(self.mode) || self.mode != 'Cpu' || !has(self.scaleDownStabilizationSeconds)"
          + " || self.scaleDownStabilizationSeconds <= 3600";

  public static final String CPU_STABILIZATION_WITHIN_HPA_LIMIT_MESSAGE =
      "autoscaling.scaleDownStabilizationSeconds must be at most 3600 when autoscaling.mode is Cpu"
          + " (it becomes the HorizontalPodAutoscaler's scale-down stabilization window, which"
          + " Kubernetes caps at one hour)";

  /** On AutoscalingSpec. */
  public static final String SCHEDULES_ONLY_IN_BACKLOG_RULE =
      "!has(self.schedules) || size(self.schedules) == 0 || (has(self.mode) && self.mode =="
          + " 'Backlog')";

  public static final String SCHEDULES_ONLY_IN_BACKLOG_MESSAGE =
      "autoscaling.schedules apply only when autoscaling.mode is Backlog: set mode Backlog, or"
          + " remove the schedules";

  /** On SinkFleetSpec: the same test as {@code SinkFleetValidator.isClusterServiceName}. */
  public static final String NETWORK_POLICY_NEEDS_HUB_PEERS_RULE =
      "!has(self.networkPolicy) || !has(self.networkPolicy.enabled) || !self.networkPolicy.enabled"
          + " || (has(self.networkPolicy.hubPeers) && size(self.networkPolicy.hubPeers) > 0)"
          + " || self.hub.host.contains(':') || (self.hub.host.contains('.')"
          + " && !self.hub.host.endsWith('.svc') && !self.hub.host.contains('.svc.'))";

  public static final String NETWORK_POLICY_NEEDS_HUB_PEERS_MESSAGE =
      "networkPolicy.hubPeers is required when hub.host is a Service in the cluster (a"
          + " NetworkPolicy cannot allow a Service's ClusterIP): set hubPeers to the Hub pods, e.g."
          + " [{podSelector: {matchLabels: {app.kubernetes.io/name: nexomatic-hub}},"
          + " namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: <its namespace>}}}]";

  /** On FallbackSpec. */
  public static final String FIXED_FALLBACK_NEEDS_REPLICAS_RULE =
      "!has(self.policy) || self.policy != 'Fixed' || has(self.replicas)";

  public static final String FIXED_FALLBACK_NEEDS_REPLICAS_MESSAGE =
      "autoscaling.fallback.replicas is required when autoscaling.fallback.policy is Fixed";

  /** On SinkFleetSpec; the schema's default drain timeout stands in when runtime is unset. */
  public static final String GRACE_ABOVE_DRAIN_RULE =
      "!has(self.terminationGracePeriodSeconds) || self.terminationGracePeriodSeconds >"
          + " (has(self.runtime) && has(self.runtime.drainTimeoutSeconds)"
          + " ? self.runtime.drainTimeoutSeconds : "
          + RuntimeSpec.DEFAULT_DRAIN_TIMEOUT_SECONDS
          + ")";

  public static final String GRACE_ABOVE_DRAIN_MESSAGE =
      "terminationGracePeriodSeconds must be greater than runtime.drainTimeoutSeconds,"
          + " or running tasks are killed before they drain: raise terminationGracePeriodSeconds"
          + " or leave it unset (it then defaults to drainTimeoutSeconds + 15)";

  private SpecRules() {}
}
