package io.nexomatic.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.nexomatic.operator.hub.HubQueueSource;
import io.nexomatic.operator.testing.RealControlPlane;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The demo on the real node of {@code scripts/local-cluster.sh}: the fleet's pods are containers of
 * the demo image (the sink image with examples/modules) run by the kubelet; the Hub listens on the
 * node's address, which is where pods reach this machine.
 */
final class NodeCluster implements DemoCluster {

  static final String SINK_IMAGE = "localhost/nexomatic-sink-demo:0.1.0";

  private final LocalNode node;
  private final KubernetesClient client;
  private final Operator operator;
  private final Set<String> namespaces = new LinkedHashSet<>();

  private NodeCluster(LocalNode node, KubernetesClient client, Operator operator) {
    this.node = node;
    this.client = client;
    this.operator = operator;
  }

  static NodeCluster start(HubQueueSource hubQueues, LocalNode node) throws Exception {
    node.load(SINK_IMAGE);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(node.config()).build();
    return new NodeCluster(node, client, DemoCluster.installAndStartOperator(client, hubQueues));
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public String description() {
    return "the real node of scripts/local-cluster.sh at "
        + node.address()
        + " (kubelet, containerd, runc; image "
        + SINK_IMAGE
        + ")";
  }

  @Override
  public String hubHost() {
    return node.address();
  }

  @Override
  public Optional<Kubectl> kubectl() {
    return Optional.of(
        new Kubectl(node.kubeconfig(), RealControlPlane.binaries().resolve("kubectl").toString()));
  }

  @Override
  public Optional<String> sinkImage() {
    return Optional.of(SINK_IMAGE);
  }

  @Override
  public DemoPods pods(
      KubernetesClient kube, String namespace, String fleet, DemoOptions options, Path work) {
    namespaces.add(namespace);
    return new NodePods(kube, namespace, fleet, node);
  }

  /** Stops the operator, then removes the demo's namespaces (its sinks drain first). */
  @Override
  public void close() {
    operator.stop();
    for (String ns : namespaces) {
      client.namespaces().withName(ns).delete();
      client.namespaces().withName(ns).waitUntilCondition(Objects::isNull, 3, TimeUnit.MINUTES);
    }
    client.close();
  }
}
