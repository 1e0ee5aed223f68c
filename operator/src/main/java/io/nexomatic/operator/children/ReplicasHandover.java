package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.nexomatic.operator.fleet.EffectiveFleet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a Deployment's {@code spec.replicas} from the operator's server-side-apply field manager to
 * a handover manager, the procedure Kubernetes documents for passing the field to an HPA
 * ("transferring ownership"), so the replica count never falls back to the default of 1.
 */
public final class ReplicasHandover {

  /** The field manager that holds {@code spec.replicas} between the operator and the HPA. */
  public static final String HANDOVER_MANAGER = FleetLabels.OPERATOR_NAME + "-replicas-handover";

  private static final Logger log = LoggerFactory.getLogger(ReplicasHandover.class);

  private ReplicasHandover() {}

  /** Whether {@code fieldManager}'s last apply to {@code deployment} set {@code spec.replicas}. */
  public static boolean appliedBy(Deployment deployment, String fieldManager) {
    List<ManagedFieldsEntry> entries = deployment.getMetadata().getManagedFields();
    if (entries == null) {
      return false;
    }
    return entries.stream()
        .filter(e -> fieldManager.equals(e.getManager()) && "Apply".equals(e.getOperation()))
        .filter(e -> e.getFieldsV1() != null)
        .anyMatch(e -> ownsReplicas(e.getFieldsV1().getAdditionalProperties()));
  }

  /**
   * The count to hand over: the Deployment's current one, but at least the fleet's minReplicas, as
   * an HPA does not scale a Deployment that stands at 0 (after a suspension, say).
   */
  public static int startingCount(Deployment actual, EffectiveFleet fleet) {
    int current = Objects.requireNonNullElse(actual.getSpec().getReplicas(), 0);
    int min = fleet.minReplicas();
    return Math.max(current, Math.max(min, 1));
  }

  /**
   * Applies {@code spec.replicas = replicas} as {@link #HANDOVER_MANAGER}, forcing: the operator's
   * own claim on the field is dropped by its next apply anyway.
   */
  public static void handOver(Deployment actual, int replicas, KubernetesClient client) {
    var claim =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(actual.getMetadata().getName())
            .withNamespace(actual.getMetadata().getNamespace())
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .endSpec()
            .build();
    log.info(
        "handing replicas={} of Deployment {}/{} over to the HorizontalPodAutoscaler",
        replicas,
        actual.getMetadata().getNamespace(),
        actual.getMetadata().getName());
    client
        .resource(claim)
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager(HANDOVER_MANAGER)
                .withForce(true)
                .build());
  }

  private static boolean ownsReplicas(Map<String, Object> fieldsV1) {
    return fieldsV1.get("f:spec") instanceof Map<?, ?> spec && spec.containsKey("f:replicas");
  }
}
