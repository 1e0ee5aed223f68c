package io.nexomatic.operator.scaling;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.nexomatic.operator.children.FleetLabels;
import io.nexomatic.operator.hub.HubQueueView;
import io.nexomatic.operator.model.SinkFleet;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a fleet shrinks, ranks its pods for the ReplicaSet controller, which removes the pods with
 * the lowest {@code controller.kubernetes.io/pod-deletion-cost} first: pods the Hub does not know
 * (not yet connected) go first, idle sinks next, and busy sinks last, by the tasks they hold. The
 * sinks' own drain covers a busy sink that must go anyway.
 */
public final class PodDeletionCosts {

  public static final String ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";

  private static final Logger log = LoggerFactory.getLogger(PodDeletionCosts.class);

  private PodDeletionCosts() {}

  /** The cost of a pod: -1 unknown to the Hub, 0 idle, else the tasks it holds. */
  public static int cost(String podName, HubQueueView view) {
    Integer tasks = view.tasksByPod().get(podName);
    return tasks == null ? -1 : tasks;
  }

  /** Writes each pod's cost, touching only pods whose annotation is not already right. */
  public static void rank(KubernetesClient client, SinkFleet fleet, HubQueueView view) {
    String namespace = fleet.getMetadata().getNamespace();
    for (Pod pod :
        client
            .pods()
            .inNamespace(namespace)
            .withLabels(FleetLabels.selector(fleet))
            .list()
            .getItems()) {
      String name = pod.getMetadata().getName();
      String cost = Integer.toString(cost(name, view));
      Map<String, String> annotations = pod.getMetadata().getAnnotations();
      if (annotations != null && cost.equals(annotations.get(ANNOTATION))) {
        continue;
      }
      try {
        client
            .pods()
            .inNamespace(namespace)
            .withName(name)
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"" + ANNOTATION + "\":\"" + cost + "\"}}}");
      } catch (KubernetesClientException e) {
        // A pod that went away or a refused patch only costs the ranking, never the scale-down.
        if (e.getCode() == 403) {
          // Every other pod would be refused the same way: say once what to grant.
          log.warn(
              "could not set {} on the pods of fleet {}/{}: the operator's RBAC must grant get"
                  + " and patch on pods (operator/src/main/kubernetes/rbac.yaml, the chart's"
                  + " ClusterRole); until then the ReplicaSet may remove busy sinks first: {}",
              ANNOTATION,
              namespace,
              fleet.getMetadata().getName(),
              e.getMessage());
          return;
        }
        log.warn("could not set {} on pod {}/{}: {}", ANNOTATION, namespace, name, e.getMessage());
      }
    }
  }
}
