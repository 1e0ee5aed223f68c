package io.nexomatic.operator.fleet;

import io.nexomatic.operator.model.AuthMethod;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.FallbackPolicy;
import io.nexomatic.operator.model.SinkFleetSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A validated spec with every {@link FleetOptions} default applied, computed once per reconcile and
 * read by the dependents, the autoscalers and the Hub endpoint, so no caller applies a default of
 * its own. Fields without a default (image, host, resources, ...) are read from {@link #spec()}.
 */
public final class EffectiveFleet {

  /** Grace added to the drain timeout so results are delivered before the pod is killed. */
  public static final int GRACE_BEYOND_DRAIN_SECONDS = 15;

  private final SinkFleetSpec spec;
  private final Map<FleetOption<?>, Object> values;

  private EffectiveFleet(SinkFleetSpec spec, Map<FleetOption<?>, Object> values) {
    this.spec = spec;
    this.values = values;
  }

  /** {@code spec}'s settings, each the user's value or else its default. */
  public static EffectiveFleet of(SinkFleetSpec spec) {
    Objects.requireNonNull(spec, "spec");
    var values = new LinkedHashMap<FleetOption<?>, Object>();
    for (FleetOption<?> option : FleetOptions.ALL) {
      values.put(option, option.valueIn(spec));
    }
    return new EffectiveFleet(spec, values);
  }

  /** The value of {@code option}. */
  public <T> T get(FleetOption<T> option) {
    return option.type().cast(values.get(option));
  }

  /** The spec as the user wrote it, for the fields that have no default. */
  public SinkFleetSpec spec() {
    return spec;
  }

  public int hubPort() {
    return get(FleetOptions.HUB_PORT);
  }

  public boolean tlsEnabled() {
    return get(FleetOptions.HUB_TLS_ENABLED);
  }

  public AuthMethod authMethod() {
    return get(FleetOptions.AUTH_METHOD);
  }

  /** Whether the sinks authenticate with Entra ID workload identity. */
  public boolean entraId() {
    return authMethod() == AuthMethod.ENTRA_ID;
  }

  /** The pinned tenant's UUID, or empty when the fleet serves all tenants. */
  public String tenantUuid() {
    return get(FleetOptions.TENANT_UUID);
  }

  public long maxLogBytes() {
    return get(FleetOptions.MAX_LOG_BYTES);
  }

  public int taskTimeoutSeconds() {
    return get(FleetOptions.TASK_TIMEOUT_SECONDS);
  }

  public int backpressureThreshold() {
    return get(FleetOptions.BACKPRESSURE_THRESHOLD);
  }

  public int concurrency() {
    return get(FleetOptions.CONCURRENCY);
  }

  public int drainTimeoutSeconds() {
    return get(FleetOptions.DRAIN_TIMEOUT_SECONDS);
  }

  /** The pod's grace period: the spec's, else the drain timeout plus a margin. */
  public long terminationGracePeriodSeconds() {
    Long grace = spec.getTerminationGracePeriodSeconds();
    return grace != null ? grace : (long) drainTimeoutSeconds() + GRACE_BEYOND_DRAIN_SECONDS;
  }

  public int replicas() {
    return get(FleetOptions.REPLICAS);
  }

  public boolean suspended() {
    return get(FleetOptions.SUSPEND);
  }

  public AutoscalingMode mode() {
    return get(FleetOptions.AUTOSCALING_MODE);
  }

  public int minReplicas() {
    return get(FleetOptions.MIN_REPLICAS);
  }

  public int maxReplicas() {
    return get(FleetOptions.MAX_REPLICAS);
  }

  public int targetCpuUtilizationPercentage() {
    return get(FleetOptions.TARGET_CPU_UTILIZATION_PERCENTAGE);
  }

  public int tasksPerSink() {
    return get(FleetOptions.TASKS_PER_SINK);
  }

  public Duration pollInterval() {
    return Duration.ofSeconds(get(FleetOptions.POLL_INTERVAL_SECONDS));
  }

  public int scaleDownStabilizationSeconds() {
    return get(FleetOptions.SCALE_DOWN_STABILIZATION_SECONDS);
  }

  public FallbackPolicy fallbackPolicy() {
    return get(FleetOptions.FALLBACK_POLICY);
  }

  public Duration ephemeralTtlAfterFinished() {
    return Duration.ofSeconds(get(FleetOptions.EPHEMERAL_TTL_SECONDS_AFTER_FINISHED));
  }

  public int failedPodsHistoryLimit() {
    return get(FleetOptions.EPHEMERAL_FAILED_PODS_HISTORY_LIMIT);
  }

  public int maxUnavailable() {
    return get(FleetOptions.MAX_UNAVAILABLE);
  }

  public boolean networkPolicyEnabled() {
    return get(FleetOptions.NETWORK_POLICY_ENABLED);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EffectiveFleet other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    var shown = new LinkedHashMap<String, Object>();
    values.forEach((option, value) -> shown.put(option.key(), value));
    return "EffectiveFleet" + shown;
  }
}
