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
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Kubernetes API the demo runs on, with the operator started against it: the real node of
 * {@code scripts/local-cluster.sh} when it is up and asked for, where a kubelet runs the fleet's
 * pods; else a real kube-apiserver and etcd when the test binaries are built on this machine, else
 * the fabric8 mock API server, and the fleet's pods run as local processes ({@link
 * LocalPodRunner}).
 */
interface DemoCluster extends AutoCloseable {

  /** An admin client. */
  KubernetesClient client();

  /** One line saying what this is. */
  String description();

  /** Where the demo's Hub listens, so that the fleet's sinks reach it. */
  default String hubHost() {
    return "127.0.0.1";
  }

  /** The sink image the fleet runs, when its pods run in containers. */
  default Optional<String> sinkImage() {
    return Optional.empty();
  }

  /** Runs the fleet's pods: by default as local processes playing kubelet. */
  default DemoPods pods(
      KubernetesClient kube, String namespace, String fleet, DemoOptions options, Path work) {
    return LocalPodRunner.forDemo(kube, namespace, fleet, options, work);
  }

  /**
   * How to point kubectl at this API server: a kubeconfig file and the kubectl to use, or empty
   * when kubectl cannot talk to it (the mock server serves no API discovery).
   */
  default Optional<Kubectl> kubectl() {
    return Optional.empty();
  }

  /** A kubeconfig file and the kubectl binary that works with it. */
  record Kubectl(Path kubeconfig, String command) {}

  @Override
  void close();

  /**
   * The real node for {@code node} (and for {@code real} when it is up), else the real control
   * plane when its binaries are cached, else the mock server.
   */
  static DemoCluster start(HubQueueSource hubQueues, String choice, Path root) throws Exception {
    if (choice.equals("node") || choice.equals("real")) {
      Optional<LocalNode> node = LocalNode.find(root);
      if (node.isPresent()) {
        return NodeCluster.start(hubQueues, node.get());
      }
      if (choice.equals("node")) {
        throw new IllegalStateException(
            "--api node: the local cluster is not up; start it with sudo scripts/local-cluster.sh"
                + " up (docs/local-cluster.md), or use --api real");
      }
    }
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
    Operator operator = installAndStartOperator(client, hubQueues);
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
      public Optional<Kubectl> kubectl() {
        return Optional.of(new Kubectl(plane.kubeconfig(), plane.kubectl().toString()));
      }

      @Override
      public void close() {
        operator.stop();
        client.close();
        plane.close();
      }
    };
  }

  /** The committed CRD, Established, and the operator running in this process against it. */
  static Operator installAndStartOperator(KubernetesClient client, HubQueueSource hubQueues)
      throws Exception {
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
                // A new CRD's status may come before its conditions do.
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions() != null
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
    return operator;
  }
}
