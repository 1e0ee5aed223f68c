package io.nexomatic.operator.hub;

import java.util.Map;

/**
 * What the Hub reports for one fleet's (Sink Type, tenant) queue.
 *
 * @param queued tasks waiting for a sink
 * @param leased tasks offered, leased or running
 * @param connectedSinks sinks with an established session serving the queue
 * @param busySinks of those, the ones running at least one task
 * @param tasksByPod tasks each connected sink holds, by the pod name it reported (sinks outside
 *     Kubernetes report none and are left out)
 */
public record HubQueueView(
    long queued, long leased, int connectedSinks, int busySinks, Map<String, Integer> tasksByPod) {

  public HubQueueView {
    tasksByPod = Map.copyOf(tasksByPod);
  }

  /** Tasks that need a sink: queued plus leased. */
  public long demand() {
    return queued + leased;
  }
}
