package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.nexomatic.operator.model.SinkFleet;

/** Reconcile precondition of the NetworkPolicy; when it stops holding, the policy is deleted. */
public class NetworkPolicyEnabled implements Condition<NetworkPolicy, SinkFleet> {

  @Override
  public boolean isMet(
      DependentResource<NetworkPolicy, SinkFleet> dependentResource,
      SinkFleet fleet,
      Context<SinkFleet> context) {
    return FleetInputs.from(context).effective().networkPolicyEnabled();
  }
}
