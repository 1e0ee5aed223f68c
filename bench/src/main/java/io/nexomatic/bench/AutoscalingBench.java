package io.nexomatic.bench;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.nexomatic.hub.testing.HubFixture;
import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.hub.GrpcHubQueueSource;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.testing.OperatorHarness;
import io.nexomatic.operator.testing.TestFleets;
import io.nexomatic.protocol.v1.CancelTaskRequest;
import io.nexomatic.protocol.v1.Task;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time from a backlog burst to the scale decision, measured as a user sees it: from the moment the
 * last of 100 tasks is queued at the Hub until the fleet's Deployment in the API server asks for
 * the new count. Printed next to the two things that bound it, measured in the same run: the poll
 * interval (a burst waits on average half of it) and the cost of one read of the Hub.
 */
final class AutoscalingBench {

  private static final int BURST = 100;
  private static final int TASKS_PER_SINK = 10;

  private AutoscalingBench() {}

  static void main(List<String> args) throws Exception {
    int samples = 10;
    int[] polls = {1, 5};
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--samples" -> samples = Integer.parseInt(args.get(++i));
        case "--polls" ->
            polls = Arrays.stream(args.get(++i).split(",")).mapToInt(Integer::parseInt).toArray();
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "autoscaling: burst of %d tasks at %d tasks per sink -> %d replicas; %d samples per poll"
            + " interval; %d cores%n%n",
        BURST,
        TASKS_PER_SINK,
        BURST / TASKS_PER_SINK,
        samples,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "%-6s %9s %9s %9s %9s %12s %14s%n",
        "poll",
        "p50 ms",
        "p95 ms",
        "max ms",
        "mean ms",
        "mean/poll",
        "hub read ms");
    for (int poll : polls) {
      var r = measure(poll, samples);
      System.out.printf(
          Locale.ROOT,
          "%-6s %9d %9d %9d %9.0f %12.2f %14.2f%n",
          poll + " s",
          r.percentile(50),
          r.percentile(95),
          r.percentile(100),
          r.mean(),
          r.mean() / (poll * 1000.0),
          r.hubReadMs());
    }
    System.out.println(
        "\nmean/poll near 0.5 means the only delay is waiting for the next poll (a burst lands at"
            + " a uniformly random\npoint of the interval); the rest is the Hub read, the"
            + " reconcile and the Deployment write.");
  }

  private record Result(List<Long> latenciesMs, double hubReadMs) {
    long percentile(int p) {
      var sorted = latenciesMs.stream().sorted().toList();
      int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    double mean() {
      return latenciesMs.stream().mapToLong(Long::longValue).average().orElse(0);
    }
  }

  private static Result measure(int pollSeconds, int samples) throws Exception {
    try (var hub = new HubFixture()) {
      ManagedChannel channel = hub.channel();
      var source = new GrpcHubQueueSource(endpoint -> channel, Duration.ofSeconds(5));
      try (var harness = new OperatorHarness(source, Clock.systemUTC())) {
        KubernetesClient client = harness.client();
        String ns = "bench-poll-" + pollSeconds;
        client.resource(TestFleets.clientSecret(ns, BASE_SECRET)).create();
        SinkFleet fleet = fleet(ns, pollSeconds);
        client.resource(fleet).create();
        awaitReplicas(client, ns, 1);

        var latencies = new ArrayList<Long>();
        for (int i = 0; i < samples; i++) {
          // Land the burst at a random point of the poll interval, as real work does.
          Thread.sleep(ThreadLocalRandom.current().nextLong(pollSeconds * 1000L));
          var tasks = new ArrayList<Task>();
          for (int t = 0; t < BURST; t++) {
            tasks.add(hub.submit(BASE));
          }
          long queued = System.nanoTime();
          awaitReplicas(client, ns, BURST / TASKS_PER_SINK);
          latencies.add((System.nanoTime() - queued) / 1_000_000);
          for (Task t : tasks) {
            hub.admin.cancelTask(
                CancelTaskRequest.newBuilder().setTaskId(t.getTaskId()).setReason("bench").build());
          }
          awaitReplicas(client, ns, 1);
        }
        return new Result(latencies, hubReadMs(source, fleet));
      }
    }
  }

  /** The median cost of one read of the Hub (queue stats plus the per-sink view). */
  private static double hubReadMs(GrpcHubQueueSource source, SinkFleet fleet) throws Exception {
    var credentials =
        new DerivedCredentials(
            Map.of(
                DerivedCredentials.CLIENT_SECRET_KEY, BASE_SECRET.getBytes(StandardCharsets.UTF_8)),
            null);
    long[] nanos = new long[501];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      source.read(fleet, credentials);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return nanos[nanos.length / 2] / 1e6;
  }

  private static SinkFleet fleet(String namespace, int pollSeconds) {
    var fleet = TestFleets.pythonFleet(namespace);
    fleet.getSpec().setReplicas(null);
    var autoscaling = new AutoscalingSpec();
    autoscaling.setMode(AutoscalingMode.BACKLOG);
    autoscaling.setTasksPerSink(TASKS_PER_SINK);
    autoscaling.setMinReplicas(1);
    autoscaling.setMaxReplicas(20);
    autoscaling.setPollIntervalSeconds(pollSeconds);
    autoscaling.setScaleDownStabilizationSeconds(0);
    fleet.getSpec().setAutoscaling(autoscaling);
    return fleet;
  }

  /** Polls the API server every 2 ms: the measurement's own resolution. */
  private static void awaitReplicas(KubernetesClient client, String ns, int replicas)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      Deployment d = client.apps().deployments().inNamespace(ns).withName("python").get();
      if (d != null && Integer.valueOf(replicas).equals(d.getSpec().getReplicas())) {
        return;
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("the fleet did not reach " + replicas + " replicas in 2 min");
  }
}
