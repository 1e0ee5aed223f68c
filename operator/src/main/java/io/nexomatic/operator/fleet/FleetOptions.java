package io.nexomatic.operator.fleet;

import io.nexomatic.operator.model.AuthMethod;
import io.nexomatic.operator.model.AuthSpec;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.DisruptionSpec;
import io.nexomatic.operator.model.EphemeralSpec;
import io.nexomatic.operator.model.FallbackPolicy;
import io.nexomatic.operator.model.FallbackSpec;
import io.nexomatic.operator.model.HubSpec;
import io.nexomatic.operator.model.HubTlsSpec;
import io.nexomatic.operator.model.NetworkPolicySpec;
import io.nexomatic.operator.model.RuntimeSpec;
import io.nexomatic.operator.model.SinkFleetSpec;
import io.nexomatic.operator.model.TenantSpec;
import java.util.List;
import java.util.function.Function;

/**
 * Every SinkFleet setting that has a default, each declared once with its type, default and meaning
 * (after the Flink Kubernetes Operator's {@code KubernetesOperatorConfigOptions}). The CRD's schema
 * defaults are generated from the model's annotations; {@code EffectiveFleetTest} holds each
 * default here equal to its schema default, so a fleet the API server defaulted and a spec with
 * unset fields (an old object, a test) behave alike.
 */
public final class FleetOptions {

  public static final FleetOption<Integer> HUB_PORT =
      option(
          "hub.port",
          Integer.class,
          50051,
          "Port of the Hub's gRPC endpoint.",
          hub(HubSpec::getPort));

  public static final FleetOption<Boolean> HUB_TLS_ENABLED =
      option(
          "hub.tls.enabled",
          Boolean.class,
          false,
          "Whether sinks, and the operator's reads, connect to the Hub with TLS.",
          at(hub(HubSpec::getTls), HubTlsSpec::getEnabled));

  public static final FleetOption<AuthMethod> AUTH_METHOD =
      option(
          "auth.method",
          AuthMethod.class,
          AuthMethod.CLIENT_SECRET,
          "How sinks authenticate to the Hub.",
          at(SinkFleetSpec::getAuth, AuthSpec::getMethod));

  /** Not a schema default: an empty tenant means the sinks serve all tenants. */
  public static final FleetOption<String> TENANT_UUID =
      option(
          "tenant.uuid",
          String.class,
          "",
          "The tenant the fleet is pinned to; empty serves all tenants.",
          at(SinkFleetSpec::getTenant, TenantSpec::getUuid));

  public static final FleetOption<Long> MAX_LOG_BYTES =
      option(
          "runtime.maxLogBytes",
          Long.class,
          5_242_880L,
          "Bytes of log kept per task (head plus tail).",
          runtime(RuntimeSpec::getMaxLogBytes));

  public static final FleetOption<Integer> TASK_TIMEOUT_SECONDS =
      option(
          "runtime.taskTimeoutSeconds",
          Integer.class,
          3600,
          "Seconds a task may run before it is killed and reported as ERROR.",
          runtime(RuntimeSpec::getTaskTimeoutSeconds));

  public static final FleetOption<Integer> BACKPRESSURE_THRESHOLD =
      option(
          "runtime.backpressureThreshold",
          Integer.class,
          10,
          "Local queue depth at which a sink tells the Hub it is back-pressured.",
          runtime(RuntimeSpec::getBackpressureThreshold));

  public static final FleetOption<Integer> CONCURRENCY =
      option(
          "runtime.concurrency",
          Integer.class,
          1,
          "Tasks each sink runs at once.",
          runtime(RuntimeSpec::getConcurrency));

  public static final FleetOption<Integer> DRAIN_TIMEOUT_SECONDS =
      option(
          "runtime.drainTimeoutSeconds",
          Integer.class,
          RuntimeSpec.DEFAULT_DRAIN_TIMEOUT_SECONDS,
          "Seconds a terminating sink lets running tasks finish before handing them back.",
          runtime(RuntimeSpec::getDrainTimeoutSeconds));

  public static final FleetOption<Integer> REPLICAS =
      option(
          "replicas",
          Integer.class,
          1,
          "Sinks to run when autoscaling.mode is None.",
          SinkFleetSpec::getReplicas);

  public static final FleetOption<Boolean> SUSPEND =
      option(
          "suspend",
          Boolean.class,
          false,
          "Scales the fleet to zero while true, whatever the autoscaling mode.",
          SinkFleetSpec::getSuspend);

  public static final FleetOption<AutoscalingMode> AUTOSCALING_MODE =
      option(
          "autoscaling.mode",
          AutoscalingMode.class,
          AutoscalingMode.NONE,
          "Who decides the replica count.",
          autoscaling(AutoscalingSpec::getMode));

  public static final FleetOption<Integer> MIN_REPLICAS =
      option(
          "autoscaling.minReplicas",
          Integer.class,
          1,
          "Fewest replicas (Backlog: 0 allows scale-to-zero).",
          autoscaling(AutoscalingSpec::getMinReplicas));

  public static final FleetOption<Integer> MAX_REPLICAS =
      option(
          "autoscaling.maxReplicas",
          Integer.class,
          10,
          "Most replicas (Ephemeral: most one-task pods at once).",
          autoscaling(AutoscalingSpec::getMaxReplicas));

  public static final FleetOption<Integer> TARGET_CPU_UTILIZATION_PERCENTAGE =
      option(
          "autoscaling.targetCPUUtilizationPercentage",
          Integer.class,
          80,
          "Cpu: the average CPU utilisation, in percent of requests, the HPA aims for.",
          autoscaling(AutoscalingSpec::getTargetCPUUtilizationPercentage));

  public static final FleetOption<Integer> TASKS_PER_SINK =
      option(
          "autoscaling.tasksPerSink",
          Integer.class,
          1,
          "Backlog: tasks (queued plus leased) one sink is expected to carry.",
          autoscaling(AutoscalingSpec::getTasksPerSink));

  public static final FleetOption<Integer> POLL_INTERVAL_SECONDS =
      option(
          "autoscaling.pollIntervalSeconds",
          Integer.class,
          5,
          "Backlog and Ephemeral: seconds between reads of the Hub's queue statistics.",
          autoscaling(AutoscalingSpec::getPollIntervalSeconds));

  public static final FleetOption<Integer> SCALE_DOWN_STABILIZATION_SECONDS =
      option(
          "autoscaling.scaleDownStabilizationSeconds",
          Integer.class,
          300,
          "Seconds demand must stay low before the fleet shrinks.",
          autoscaling(AutoscalingSpec::getScaleDownStabilizationSeconds));

  public static final FleetOption<FallbackPolicy> FALLBACK_POLICY =
      option(
          "autoscaling.fallback.policy",
          FallbackPolicy.class,
          FallbackPolicy.KEEP_CURRENT,
          "Backlog: what to do while the Hub's queue statistics cannot be read.",
          at(autoscaling(AutoscalingSpec::getFallback), FallbackSpec::getPolicy));

  public static final FleetOption<Integer> EPHEMERAL_TTL_SECONDS_AFTER_FINISHED =
      option(
          "autoscaling.ephemeral.ttlSecondsAfterFinished",
          Integer.class,
          60,
          "Ephemeral: seconds a pod that delivered its task is kept before it is deleted.",
          at(
              autoscaling(AutoscalingSpec::getEphemeral),
              EphemeralSpec::getTtlSecondsAfterFinished));

  public static final FleetOption<Integer> EPHEMERAL_FAILED_PODS_HISTORY_LIMIT =
      option(
          "autoscaling.ephemeral.failedPodsHistoryLimit",
          Integer.class,
          3,
          "Ephemeral: failed pods kept for inspection, newest first.",
          at(autoscaling(AutoscalingSpec::getEphemeral), EphemeralSpec::getFailedPodsHistoryLimit));

  public static final FleetOption<Integer> MAX_UNAVAILABLE =
      option(
          "disruption.maxUnavailable",
          Integer.class,
          1,
          "Sinks that may be evicted at once (the PodDisruptionBudget).",
          at(SinkFleetSpec::getDisruption, DisruptionSpec::getMaxUnavailable));

  public static final FleetOption<Boolean> NETWORK_POLICY_ENABLED =
      option(
          "networkPolicy.enabled",
          Boolean.class,
          false,
          "Whether the operator renders a NetworkPolicy for the fleet's pods.",
          at(SinkFleetSpec::getNetworkPolicy, NetworkPolicySpec::getEnabled));

  /** Every option, in the order of the spec's fields. */
  public static final List<FleetOption<?>> ALL =
      List.of(
          HUB_PORT,
          HUB_TLS_ENABLED,
          AUTH_METHOD,
          TENANT_UUID,
          MAX_LOG_BYTES,
          TASK_TIMEOUT_SECONDS,
          BACKPRESSURE_THRESHOLD,
          CONCURRENCY,
          DRAIN_TIMEOUT_SECONDS,
          REPLICAS,
          SUSPEND,
          AUTOSCALING_MODE,
          MIN_REPLICAS,
          MAX_REPLICAS,
          TARGET_CPU_UTILIZATION_PERCENTAGE,
          TASKS_PER_SINK,
          POLL_INTERVAL_SECONDS,
          SCALE_DOWN_STABILIZATION_SECONDS,
          FALLBACK_POLICY,
          EPHEMERAL_TTL_SECONDS_AFTER_FINISHED,
          EPHEMERAL_FAILED_PODS_HISTORY_LIMIT,
          MAX_UNAVAILABLE,
          NETWORK_POLICY_ENABLED);

  private FleetOptions() {}

  private static <T> FleetOption<T> option(
      String key, Class<T> type, T defaultValue, String doc, Function<SinkFleetSpec, T> reader) {
    return new FleetOption<>(key, type, defaultValue, doc, reader);
  }

  /** {@code field} of the section {@code section} reads, null when the section is unset. */
  private static <S, T> Function<SinkFleetSpec, T> at(
      Function<SinkFleetSpec, S> section, Function<S, T> field) {
    return spec -> {
      S value = section.apply(spec);
      return value == null ? null : field.apply(value);
    };
  }

  private static <T> Function<SinkFleetSpec, T> hub(Function<HubSpec, T> field) {
    return at(SinkFleetSpec::getHub, field);
  }

  private static <T> Function<SinkFleetSpec, T> runtime(Function<RuntimeSpec, T> field) {
    return at(SinkFleetSpec::getRuntime, field);
  }

  private static <T> Function<SinkFleetSpec, T> autoscaling(Function<AutoscalingSpec, T> field) {
    return at(SinkFleetSpec::getAutoscaling, field);
  }
}
