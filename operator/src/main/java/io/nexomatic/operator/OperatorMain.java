package io.nexomatic.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nexomatic.operator.hub.GrpcHubQueueSource;
import io.nexomatic.operator.hub.HubChannels;
import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.scaling.SpecReplicaPlanner;
import io.nexomatic.protocol.tracing.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the operator process. */
public final class OperatorMain {

  private static final Logger log = LoggerFactory.getLogger(OperatorMain.class);

  /** How long one read of a Hub's queue may take before the Hub counts as unreachable. */
  private static final Duration HUB_READ_DEADLINE = HubObservation.READ_DEADLINE;

  /** Set before the operator ends itself with a failure code, which the shutdown hook keeps. */
  private static final AtomicBoolean EXITING = new AtomicBoolean();

  private OperatorMain() {}

  private static void exit(int code) {
    EXITING.set(true);
    System.exit(code);
  }

  public static void main(String[] args) throws Exception {
    OperatorSettings settings;
    try {
      settings = OperatorSettings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      log.error(e.getMessage());
      exit(2);
      return;
    }
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    KubernetesClient client;
    try {
      client = new KubernetesClientBuilder().build();
    } catch (RuntimeException e) {
      // A kubeconfig naming a missing certificate fails here, before any request.
      log.error("cannot start: {}", StartupFailure.describe(e, "the configured API server"));
      log.debug("start-up failure", e);
      exit(1);
      return;
    }
    var hubChannels = new HubChannels();
    var operator =
        SinkFleetOperator.create(
            client,
            settings,
            MicrometerMetrics.withoutPerResourceMetrics(registry),
            new SpecReplicaPlanner(),
            new GrpcHubQueueSource(hubChannels, HUB_READ_DEADLINE),
            Clock.systemUTC(),
            new LeaseLoss(() -> new Thread(() -> exit(1), "lease-lost-exit").start()),
            // Scale-decision spans only with OTEL_EXPORTER_OTLP_ENDPOINT set (docs/tracing.md).
            Telemetry.fromEnvironment(System.getenv(), "nexomatic-operator"));
    var health = new HealthServer(settings.httpPort(), operator::getRuntimeInfo, registry);
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping: finishing in-flight reconciliations");
                  try {
                    operator.stop();
                  } finally {
                    health.close();
                    hubChannels.close();
                    client.close();
                    stopped.countDown();
                  }
                  // Stopped by a signal (SIGTERM from the kubelet): everything in flight has
                  // finished, so the stop was clean and the exit code says so (not 143).
                  if (!EXITING.get()) {
                    Runtime.getRuntime().halt(0);
                  }
                },
                "shutdown"));
    health.start();
    try {
      operator.start();
    } catch (RuntimeException e) {
      // One line that says what to fix, instead of a page of nested informer exceptions. exit
      // runs the shutdown hook, so nothing keeps the process alive after the failure.
      log.error(
          "cannot start: {}", StartupFailure.describe(e, String.valueOf(client.getMasterUrl())));
      log.debug("start-up failure", e);
      exit(1);
    }
    log.info(
        "nexomatic operator started: namespaces={}, leaderElection={}, http port {}",
        settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
        settings.leaderElection(),
        health.port());
    stopped.await();
  }
}
