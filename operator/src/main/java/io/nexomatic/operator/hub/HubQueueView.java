package io.nexomatic.operator.hub;

import java.util.Map;
import java.util.Set;

/**
 * What the Hub reports for one fleet's (Sink Type, tenant) queue.
 *
 * @param queued tasks waiting for a sink
 * @param leased tasks offered, leased or running
 * @param connectedSinks sinks with an established session serving the queue
 * @param busySinks of those, the ones running at least one task
 * @param tasksByPod tasks each connected sink holds or has on offer, by the pod name it reported
 *     (sinks outside Kubernetes report none and are left out)
 * @param drainingPods the pods among those whose sink is draining: it takes no more tasks
 */
public record HubQueueView(
    long queued,
    long leased,
    int connectedSinks,
    int busySinks,
    Map<String, Integer> tasksByPod,
    Set<String> drainingPods) {

  public HubQueueView {
    tasksByPod = Map.copyOf(tasksByPod);
    drainingPods = Set.copyOf(drainingPods);
  }

  /** A view without draining sinks. */
  public HubQueueView(
      long queued,
      long leased,
      int connectedSinks,
      int busySinks,
      Map<String, Integer> tasksByPod) {
    this(queued, leased, connectedSinks, busySinks, tasksByPod, Set.of());
  }

  /** Tasks that need a sink: queued plus leased. */
  public long demand() {
    return queued + leased;
  }
}
