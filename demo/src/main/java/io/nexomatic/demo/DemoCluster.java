package io.nexomatic.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.nexomatic.operator.OperatorSettings;
import io.nexomatic.operator.SinkFleetOperator;
import io.nexomatic.operator.hub.HubQueueSource;
import io.nexomatic.operator.scaling.SpecReplicaPlanner;
import io.nexomatic.operator.testing.OperatorHarness;
import io.nexomatic.operator.testing.RealControlPlane;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Kubernetes API the demo runs on, with the operator started against it: a real kube-apiserver
 * and etcd when the test binaries are built on this machine, else the fabric8 mock API server.
 * Either way the fleet's pods run as local processes ({@link LocalPodRunner}), so no controller
 * manager or scheduler is needed.
 */
interface DemoCluster extends AutoCloseable {

  /** An admin client. */
  KubernetesClient client();

  /** One line saying what this is. */
  String description();

  @Override
  void close();

  /** The real control plane when its binaries are cached, else the mock server. */
  static DemoCluster start(HubQueueSource hubQueues, String choice) throws Exception {
    boolean real =
        switch (choice) {
          case "real" -> true;
          case "mock" -> false;
          default -> RealControlPlane.binariesCached();
        };
    return real
        ? realApiServer(hubQueues)
        : mockApiServer(
            hubQueues,
            choice.equals("auto") ? " (scripts/k8s-test-binaries.sh builds a real one)" : "");
  }

  private static DemoCluster mockApiServer(HubQueueSource hubQueues, String note) {
    var harness = new OperatorHarness(hubQueues, Clock.systemUTC());
    return new DemoCluster() {
      @Override
      public KubernetesClient client() {
        return harness.client();
      }

      @Override
      public String description() {
        return "fabric8 mock API server with the SinkFleet CRD" + note;
      }

      @Override
      public void close() {
        harness.close();
      }
    };
  }

  private static DemoCluster realApiServer(HubQueueSource hubQueues) throws Exception {
    var plane = RealControlPlane.apiServerOnly();
    KubernetesClient client = plane.client();
    try (var crd = Files.newInputStream(RealControlPlane.committedCrd())) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).serverSideApply();
    }
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("sinkfleets.sinks.nexomatic.io")
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
            1,
            TimeUnit.MINUTES);
    Operator operator =
        SinkFleetOperator.create(
            client,
            new OperatorSettings(Set.of(), false, "unused", null, "nexomatic-demo", 0),
            Metrics.NOOP,
            new SpecReplicaPlanner(),
            hubQueues,
            Clock.systemUTC());
    operator.start();
    return new DemoCluster() {
      @Override
      public KubernetesClient client() {
        return client;
      }

      @Override
      public String description() {
        return "real kube-apiserver v" + RealControlPlane.K8S_VERSION + " + etcd on 127.0.0.1";
      }

      @Override
      public void close() {
        operator.stop();
        client.close();
        plane.close();
      }
    };
  }
}
