package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.SinkFleet;

/**
 * Reconcile precondition of the HPA: mode Cpu and not suspended. When it does not hold, the
 * workflow deletes the HPA, so replicas ownership returns to the Deployment.
 */
public class CpuAutoscaling implements Condition<HorizontalPodAutoscaler, SinkFleet> {

  @Override
  public boolean isMet(
      DependentResource<HorizontalPodAutoscaler, SinkFleet> dependentResource,
      SinkFleet fleet,
      Context<SinkFleet> context) {
    return holdsFor(fleet);
  }

  /** Whether an HPA owns {@code fleet}'s replica count. */
  public static boolean holdsFor(SinkFleet fleet) {
    return AutoscalingMode.CPU.activeFor(fleet);
  }
}
