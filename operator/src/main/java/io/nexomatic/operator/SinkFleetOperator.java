package io.nexomatic.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.nexomatic.operator.hub.HubQueueSource;
import io.nexomatic.operator.reconciler.FleetHubReader;
import io.nexomatic.operator.reconciler.HubPollingEventSource;
import io.nexomatic.operator.reconciler.KubernetesFleetEvents;
import io.nexomatic.operator.reconciler.SinkFleetReconciler;
import io.nexomatic.operator.scaling.BacklogAutoscaler;
import io.nexomatic.operator.scaling.EphemeralScaler;
import io.nexomatic.operator.scaling.ReplicaPlanner;
import io.nexomatic.operator.scaling.ScaleTracing;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;

/** Wires the JOSDK Operator, the SinkFleet reconciler and their collaborators. */
public final class SinkFleetOperator {

  /**
   * How long {@link Operator#stop()} waits for reconciliations in flight. JOSDK's default is zero:
   * stop() returned at once and the caller closed the client under a reconcile that was still
   * writing, which then failed ("patch ... failed"). A reconcile is bounded by a few writes (the
   * Hub is read by a poller, never by a reconcile); the chart's grace period (30 s) leaves room.
   */
  public static final Duration RECONCILIATION_TERMINATION_TIMEOUT = Duration.ofSeconds(20);

  private SinkFleetOperator() {}

  /** An operator (not yet started) reconciling SinkFleets through {@code client}. */
  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      Metrics metrics,
      ReplicaPlanner replicaPlanner,
      HubQueueSource hubQueues,
      Clock clock) {
    return create(
        client, settings, metrics, replicaPlanner, hubQueues, clock, LeaseLoss.exitingProcess());
  }

  /**
   * As above, with what losing the leader lease while running does; {@link Operator#stop()} of the
   * returned operator gives the lease up without it. The Hub is polled off the reconcile threads by
   * a {@link HubPollingEventSource}.
   */
  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      Metrics metrics,
      ReplicaPlanner replicaPlanner,
      HubQueueSource hubQueues,
      Clock clock,
      LeaseLoss leaseLoss) {
    return create(
        client,
        settings,
        metrics,
        replicaPlanner,
        hubQueues,
        clock,
        leaseLoss,
        OpenTelemetry.noop());
  }

  /** As above, with a span per scale decision to {@code openTelemetry} (docs/tracing.md). */
  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      Metrics metrics,
      ReplicaPlanner replicaPlanner,
      HubQueueSource hubQueues,
      Clock clock,
      LeaseLoss leaseLoss,
      OpenTelemetry openTelemetry) {
    return createWithHubReader(
        client,
        settings,
        metrics,
        replicaPlanner,
        new HubPollingEventSource(hubQueues, clock),
        clock,
        leaseLoss,
        openTelemetry);
  }

  /**
   * As above, with reconciles taking the Hub's observations from {@code hubReader} (a benchmark
   * compares the poller with a reader that calls the Hub inline).
   */
  public static Operator createWithHubReader(
      KubernetesClient client,
      OperatorSettings settings,
      Metrics metrics,
      ReplicaPlanner replicaPlanner,
      FleetHubReader hubReader,
      Clock clock,
      LeaseLoss leaseLoss) {
    return createWithHubReader(
        client,
        settings,
        metrics,
        replicaPlanner,
        hubReader,
        clock,
        leaseLoss,
        OpenTelemetry.noop());
  }

  private static Operator createWithHubReader(
      KubernetesClient client,
      OperatorSettings settings,
      Metrics metrics,
      ReplicaPlanner replicaPlanner,
      FleetHubReader hubReader,
      Clock clock,
      LeaseLoss leaseLoss,
      OpenTelemetry openTelemetry) {
    var operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  .withMetrics(metrics)
                  .withCloseClientOnStop(false)
                  .withReconciliationTerminationTimeout(RECONCILIATION_TERMINATION_TIMEOUT);
              if (settings.leaderElection()) {
                overrider.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                            settings.leaseName())
                        .withLeaseNamespace(settings.leaseNamespace())
                        .withIdentity(settings.identity())
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(
                            new LeaderCallbacks(() -> {}, leaseLoss::stoppedLeading, id -> {}))
                        .build());
              }
            }) {
          @Override
          public void stop() {
            leaseLoss.stopping();
            super.stop();
          }
        };
    var reconciler =
        new SinkFleetReconciler(
            replicaPlanner,
            new BacklogAutoscaler(clock, new ScaleTracing(openTelemetry)),
            new EphemeralScaler(clock),
            new KubernetesFleetEvents(client, clock, settings.identity()),
            clock,
            hubReader);
    operator.register(
        reconciler,
        configuration -> {
          if (settings.watchNamespaces().isEmpty()) {
            configuration.watchingAllNamespaces();
          } else {
            configuration.settingNamespaces(settings.watchNamespaces());
          }
        });
    return operator;
  }
}
