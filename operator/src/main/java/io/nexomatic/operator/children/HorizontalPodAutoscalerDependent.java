package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.model.SinkFleet;

/**
 * The CPU HorizontalPodAutoscaler; exists only in autoscaling mode Cpu (see {@link
 * CpuAutoscaling}).
 */
@KubernetesDependent(informer = @Informer(labelSelector = FleetLabels.MANAGED_SELECTOR))
public class HorizontalPodAutoscalerDependent
    extends CRUDKubernetesDependentResource<HorizontalPodAutoscaler, SinkFleet> {

  public HorizontalPodAutoscalerDependent() {
    super(HorizontalPodAutoscaler.class);
  }

  @Override
  protected HorizontalPodAutoscaler desired(SinkFleet fleet, Context<SinkFleet> context) {
    return build(fleet, FleetInputs.from(context).effective());
  }

  /** The HPA for {@code fleet}, scaling its Deployment on CPU utilisation. */
  static HorizontalPodAutoscaler build(SinkFleet fleet, EffectiveFleet effective) {
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(FleetLabels.childMetadata(fleet))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(FleetLabels.workloadName(fleet))
        .endScaleTargetRef()
        .withMinReplicas(effective.minReplicas())
        .withMaxReplicas(effective.maxReplicas())
        .withMetrics(
            new MetricSpecBuilder()
                .withType("Resource")
                .withNewResource()
                .withName("cpu")
                .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(effective.targetCpuUtilizationPercentage())
                .endTarget()
                .endResource()
                .build())
        // One setting for both modes: how long demand must stay low before the fleet shrinks.
        .withNewBehavior()
        .withNewScaleDown()
        .withStabilizationWindowSeconds(effective.scaleDownStabilizationSeconds())
        .endScaleDown()
        .endBehavior()
        .endSpec()
        .build();
  }
}
