package io.nexomatic.bench;

import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.nexomatic.operator.hub.HubReadException;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.testing.OperatorHarness;
import io.nexomatic.operator.testing.TestFleets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator at scale on the mock API server: time for N fleets to become Ready, the writes it
 * took, then the writes a no-op reconcile of every fleet costs (goal: 0), and the heap held.
 */
final class OperatorScaleBench {

  private static final String NS = "bench";

  private OperatorScaleBench() {}

  static void main(List<String> args) throws Exception {
    int fleets =
        args.contains("--fleets") ? Integer.parseInt(args.get(args.indexOf("--fleets") + 1)) : 1000;
    try (var harness =
        new OperatorHarness(
            (fleet, credentials) -> {
              throw new HubReadException("no Hub in this benchmark", false, null);
            },
            Clock.systemUTC())) {
      KubernetesClient client = harness.client();
      client.resource(TestFleets.clientSecret(NS, "s3cret")).create();
      long start = System.nanoTime();
      for (int i = 0; i < fleets; i++) {
        SinkFleet fleet = TestFleets.pythonFleet(NS);
        fleet.getMetadata().setName("fleet-" + i);
        fleet.getSpec().setReplicas(1);
        client.resource(fleet).create();
      }
      // Play the Deployment controller: each Deployment, once it exists, is rolled out.
      int ready = 0;
      var rolledOut = new java.util.HashSet<String>();
      while (ready < fleets) {
        for (var d : client.apps().deployments().inNamespace(NS).list().getItems()) {
          if (rolledOut.add(d.getMetadata().getName())) {
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName(d.getMetadata().getName())
                .editStatus(
                    x -> {
                      x.setStatus(
                          new DeploymentStatusBuilder()
                              .withObservedGeneration(x.getMetadata().getGeneration())
                              .withReplicas(1)
                              .withUpdatedReplicas(1)
                              .withReadyReplicas(1)
                              .withAvailableReplicas(1)
                              .build());
                      return x;
                    });
          }
        }
        ready =
            (int)
                client.resources(SinkFleet.class).inNamespace(NS).list().getItems().stream()
                    .filter(TestFleets::isReady)
                    .count();
        TimeUnit.MILLISECONDS.sleep(200);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      int writesToReady = operatorWrites(harness);

      // A no-op reconcile of every fleet: a label on the Secret they all reference.
      int[] before = new int[fleets];
      for (int i = 0; i < fleets; i++) {
        before[i] = harness.finishedReconciliations(NS, "fleet-" + i);
      }
      int writesBefore = harness.writes(NS).size();
      client
          .secrets()
          .inNamespace(NS)
          .withName(TestFleets.CLIENT_SECRET_NAME)
          .edit(
              s -> {
                s.getMetadata().setLabels(Map.of("touched", "yes"));
                return s;
              });
      for (int i = 0; i < fleets; i++) {
        while (harness.finishedReconciliations(NS, "fleet-" + i) <= before[i]) {
          TimeUnit.MILLISECONDS.sleep(20);
        }
      }
      long noOpWrites =
          harness.writes(NS).subList(writesBefore, harness.writes(NS).size()).stream()
              .filter(w -> !w.endsWith("/secrets/" + TestFleets.CLIENT_SECRET_NAME))
              .count();
      System.gc();
      long heapMb =
          (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1024 * 1024);
      System.out.printf(
          Locale.ROOT,
          "operator scale (mock API server, one JVM with the operator): %d fleets%n%n"
              + "%-44s %10s%n%-44s %10.1f%n%-44s %10.1f%n%-44s %10.1f%n%-44s %10d%n%-44s %10d%n",
          fleets,
          "figure",
          "value",
          "seconds until every fleet is Ready",
          seconds,
          "ms per fleet",
          seconds * 1000 / fleets,
          "operator writes per fleet until Ready",
          writesToReady / (double) fleets,
          "operator writes for a no-op reconcile of all",
          noOpWrites,
          "heap after GC, MB (operator + mock server)",
          heapMb);
    }
  }

  /** Writes sent by the operator: everything but the benchmark's own creates and status edits. */
  private static int operatorWrites(OperatorHarness harness) {
    return (int)
        harness.writes(NS).stream()
            .filter(w -> !w.startsWith("POST /apis/sinks.nexomatic.io"))
            .filter(w -> !w.endsWith("/status") || w.contains("/sinkfleets/"))
            .filter(w -> !w.startsWith("POST /api/v1/namespaces/" + NS + "/secrets"))
            .count();
  }
}
