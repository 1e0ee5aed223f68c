package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.model.SinkFleet;

/** The fleet's PodDisruptionBudget, so node drains evict a bounded number of busy sinks. */
@KubernetesDependent(informer = @Informer(labelSelector = FleetLabels.MANAGED_SELECTOR))
public class PodDisruptionBudgetDependent
    extends CRUDKubernetesDependentResource<PodDisruptionBudget, SinkFleet> {

  public PodDisruptionBudgetDependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(SinkFleet fleet, Context<SinkFleet> context) {
    return build(fleet, FleetInputs.from(context).effective());
  }

  /** The PDB for {@code fleet}. */
  static PodDisruptionBudget build(SinkFleet fleet, EffectiveFleet effective) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(FleetLabels.childMetadata(fleet))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(effective.maxUnavailable()))
        .withNewSelector()
        .withMatchLabels(FleetLabels.selector(fleet))
        .endSelector()
        .endSpec()
        .build();
  }
}
