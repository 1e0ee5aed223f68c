package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.nexomatic.operator.model.SinkFleet;

/**
 * Reconcile precondition of the Deployment: every fleet runs one except an Ephemeral one, whose
 * pods the operator starts one per task. When it does not hold, the workflow deletes the Deployment
 * and the children that depend on it (the PodDisruptionBudget and the HPA).
 */
public class RunsDeployment implements Condition<Deployment, SinkFleet> {

  @Override
  public boolean isMet(
      DependentResource<Deployment, SinkFleet> dependentResource,
      SinkFleet fleet,
      Context<SinkFleet> context) {
    return !EphemeralPods.runFor(fleet);
  }
}
