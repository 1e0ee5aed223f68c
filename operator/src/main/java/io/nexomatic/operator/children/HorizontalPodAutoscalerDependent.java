package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.SinkFleet;
import java.util.Objects;

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
    return build(fleet);
  }

  /** The HPA for {@code fleet}, scaling its Deployment on CPU utilisation. */
  static HorizontalPodAutoscaler build(SinkFleet fleet) {
    var autoscaling =
        Objects.requireNonNullElseGet(fleet.getSpec().getAutoscaling(), AutoscalingSpec::new);
    var defaults = new AutoscalingSpec();
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(FleetLabels.childMetadata(fleet))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(FleetLabels.workloadName(fleet))
        .endScaleTargetRef()
        .withMinReplicas(
            Objects.requireNonNullElse(autoscaling.getMinReplicas(), defaults.getMinReplicas()))
        .withMaxReplicas(
            Objects.requireNonNullElse(autoscaling.getMaxReplicas(), defaults.getMaxReplicas()))
        .withMetrics(
            new MetricSpecBuilder()
                .withType("Resource")
                .withNewResource()
                .withName("cpu")
                .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(
                    Objects.requireNonNullElse(
                        autoscaling.getTargetCPUUtilizationPercentage(),
                        defaults.getTargetCPUUtilizationPercentage()))
                .endTarget()
                .endResource()
                .build())
        // One setting for both modes: how long demand must stay low before the fleet shrinks.
        .withNewBehavior()
        .withNewScaleDown()
        .withStabilizationWindowSeconds(
            Objects.requireNonNullElse(
                autoscaling.getScaleDownStabilizationSeconds(),
                defaults.getScaleDownStabilizationSeconds()))
        .endScaleDown()
        .endBehavior()
        .endSpec()
        .build();
  }
}
