package io.nexomatic.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet's pods run by the real kubelet of {@code scripts/local-cluster.sh}: nothing to run
 * here, only counting the pods the ReplicaSet controller creates and removes, and SIGKILL through
 * the node's container runtime for the demo's chaos.
 */
final class NodePods implements DemoPods {

  private final KubernetesClient kube;
  private final String namespace;
  private final String fleet;
  private final LocalNode node;
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  private final Set<String> stopped = ConcurrentHashMap.newKeySet();
  private Watch watch;

  NodePods(KubernetesClient kube, String namespace, String fleet, LocalNode node) {
    this.kube = kube;
    this.namespace = namespace;
    this.fleet = fleet;
    this.node = node;
  }

  @Override
  public void start() {
    watch =
        kube.pods()
            .inNamespace(namespace)
            .withLabel("app.kubernetes.io/instance", fleet)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    String uid = pod.getMetadata().getUid();
                    if (action == Action.ADDED) {
                      started.add(uid);
                    } else if (action == Action.DELETED) {
                      stopped.add(uid);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    // Counting stops; the demo's verdict comes from the Hub's records.
                  }
                });
  }

  @Override
  public boolean kill(String podName) {
    return node.kill(namespace, podName);
  }

  @Override
  public int startedCount() {
    return started.size();
  }

  @Override
  public int stoppedCount() {
    return stopped.size();
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
