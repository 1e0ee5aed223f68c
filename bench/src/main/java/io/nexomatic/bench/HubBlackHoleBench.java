package io.nexomatic.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.nexomatic.operator.LeaseLoss;
import io.nexomatic.operator.OperatorSettings;
import io.nexomatic.operator.SinkFleetOperator;
import io.nexomatic.operator.hub.GrpcHubQueueSource;
import io.nexomatic.operator.hub.HubChannels;
import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.hub.HubQueueSource;
import io.nexomatic.operator.reconciler.FleetHubReader;
import io.nexomatic.operator.reconciler.HubPollingEventSource;
import io.nexomatic.operator.scaling.SpecReplicaPlanner;
import io.nexomatic.operator.testing.BlackHoleHub;
import io.nexomatic.operator.testing.RealControlPlane;
import io.nexomatic.operator.testing.TestFleets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * One fleet whose Hub is a black hole (TCP accepts, nothing ever answers) among N fleets (default
 * 1,000) on a real kube-apiserver: the longest reconcile of the black-hole fleet and how many
 * reconciles last the whole read deadline, with the Hub read inline in reconcile() (the old path,
 * kept here as the baseline) and through the operator's poller, side by side in one run.
 */
final class HubBlackHoleBench {

  private static final String BLACK_HOLE_FLEET = "black-hole";

  private HubBlackHoleBench() {}

  /** What one way of reading the Hub cost. */
  private record Figures(
      double secondsToReconcileAll,
      long longestBlackHoleMillis,
      int blackHoleReconciles,
      long deadlineLengthReconciles) {}

  static void main(List<String> args) throws Exception {
    int fleets = option(args, "--fleets", 1000);
    int watchSeconds = option(args, "--seconds", 30);
    try (var plane = RealControlPlane.apiServerOnly();
        var blackHole = new BlackHoleHub();
        var channels = new HubChannels()) {
      KubernetesClient client = plane.client();
      try (var in = Files.newInputStream(RealControlPlane.committedCrd())) {
        client.apiextensions().v1().customResourceDefinitions().load(in).serverSideApply();
      }
      waitForCrd(client);
      HubQueueSource hub = new GrpcHubQueueSource(channels, HubObservation.READ_DEADLINE);
      var inline =
          measure(client, "inline", fleets, watchSeconds, blackHole, hub, InlineHubReader::new);
      var polled =
          measure(
              client, "poller", fleets, watchSeconds, blackHole, hub, HubPollingEventSource::new);
      long deadline = HubObservation.READ_DEADLINE.toMillis();
      System.out.printf(
          Locale.ROOT,
          "one black-hole Hub among %d fleets (real kube-apiserver, one JVM with the operator),"
              + " the black-hole fleet watched %d s after every fleet was reconciled once;"
              + " read deadline %d ms%n%n"
              + "%-52s %14s %14s%n"
              + "%-52s %14d %14d%n"
              + "%-52s %14d %14d%n"
              + "%-52s %14d %14d%n"
              + "%-52s %14.1f %14.1f%n",
          fleets,
          watchSeconds,
          deadline,
          "figure",
          "inline read",
          "poller",
          "longest reconcile of the black-hole fleet, ms",
          inline.longestBlackHoleMillis(),
          polled.longestBlackHoleMillis(),
          "reconciles lasting the whole deadline (any fleet)",
          inline.deadlineLengthReconciles(),
          polled.deadlineLengthReconciles(),
          "reconciles of the black-hole fleet",
          inline.blackHoleReconciles(),
          polled.blackHoleReconciles(),
          "seconds until every fleet was reconciled once",
          inline.secondsToReconcileAll(),
          polled.secondsToReconcileAll());
    }
  }

  /** Runs an operator reading the Hub through {@code reader} over fleets of its own namespace. */
  private static Figures measure(
      KubernetesClient client,
      String namespace,
      int fleets,
      int watchSeconds,
      BlackHoleHub blackHole,
      HubQueueSource hub,
      BiFunction<HubQueueSource, Clock, FleetHubReader> reader)
      throws InterruptedException {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .serverSideApply();
    client.resource(TestFleets.clientSecret(namespace, "s3cret")).serverSideApply();
    var times = new ReconcileTimes();
    Operator operator =
        SinkFleetOperator.createWithHubReader(
            client,
            new OperatorSettings(Set.of(namespace), false, "unused", null, "bench", 0),
            times,
            new SpecReplicaPlanner(),
            reader.apply(hub, Clock.systemUTC()),
            Clock.systemUTC(),
            LeaseLoss.exitingProcess());
    operator.start();
    try {
      long start = System.nanoTime();
      client.resource(blackHole.backlogFleet(namespace, BLACK_HOLE_FLEET)).create();
      for (int i = 0; i < fleets; i++) {
        var fleet = TestFleets.pythonFleet(namespace);
        fleet.getMetadata().setName("fleet-" + i);
        fleet.getSpec().setReplicas(1);
        client.resource(fleet).create();
      }
      while (times.fleetsReconciled() < fleets + 1) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      TimeUnit.SECONDS.sleep(watchSeconds);
      List<Long> blackHoleTimes = times.of(BLACK_HOLE_FLEET);
      return new Figures(
          seconds,
          blackHoleTimes.isEmpty() ? 0 : Collections.max(blackHoleTimes),
          blackHoleTimes.size(),
          times.atLeast(HubObservation.READ_DEADLINE.toMillis()));
    } finally {
      operator.stop();
    }
  }

  private static void waitForCrd(KubernetesClient client) throws InterruptedException {
    while (true) {
      var crd =
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName("sinkfleets.sinks.nexomatic.io")
              .get();
      if (crd.getStatus() != null
          && crd.getStatus().getConditions() != null
          && crd.getStatus().getConditions().stream()
              .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()))) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  private static int option(List<String> args, String name, int fallback) {
    int at = args.indexOf(name);
    return at < 0 ? fallback : Integer.parseInt(args.get(at + 1));
  }
}
