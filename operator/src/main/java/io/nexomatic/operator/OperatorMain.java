package io.nexomatic.operator;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nexomatic.operator.hub.GrpcHubQueueSource;
import io.nexomatic.operator.hub.HubChannels;
import io.nexomatic.operator.scaling.SpecReplicaPlanner;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the operator process. */
public final class OperatorMain {

  private static final Logger log = LoggerFactory.getLogger(OperatorMain.class);

  /** How long one read of a Hub's queue may take before the Hub counts as unreachable. */
  private static final Duration HUB_READ_DEADLINE = Duration.ofSeconds(5);

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    OperatorSettings settings;
    try {
      settings = OperatorSettings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      log.error(e.getMessage());
      System.exit(2);
      return;
    }
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var client = new KubernetesClientBuilder().build();
    var hubChannels = new HubChannels();
    var operator =
        SinkFleetOperator.create(
            client,
            settings,
            MicrometerMetrics.withoutPerResourceMetrics(registry),
            new SpecReplicaPlanner(),
            new GrpcHubQueueSource(hubChannels, HUB_READ_DEADLINE),
            Clock.systemUTC());
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
      System.exit(1);
    }
    log.info(
        "nexomatic operator started: namespaces={}, leaderElection={}, http port {}",
        settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
        settings.leaderElection(),
        health.port());
    stopped.await();
  }
}
