package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.nexomatic.operator.model.SinkFleet;

/**
 * The fleet's Deployment of {@link SinkPodTemplate} pods; it builds only {@link #desired} and hands
 * {@code spec.replicas} over when an HPA takes the count.
 */
@KubernetesDependent(
    informer = @Informer(labelSelector = FleetLabels.MANAGED_SELECTOR),
    matcher = ValueFromEnvMatcher.class)
public class DeploymentDependent extends CRUDKubernetesDependentResource<Deployment, SinkFleet> {

  public DeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(SinkFleet fleet, Context<SinkFleet> context) {
    return build(fleet, FleetInputs.from(context));
  }

  /**
   * Before the first apply that leaves {@code replicas} out (an HPA takes over), hands the field to
   * a manager of its own at its current value. Dropped from the operator's apply alone, the field
   * would have no owner left, and the API server would reset it to its default of 1, killing busy
   * sinks until the HPA scales back up. Held by the handover manager it keeps its value (raised to
   * minReplicas when below, as after a suspension: an HPA leaves a Deployment at 0 alone), and the
   * HPA's first scale takes it over.
   */
  @Override
  public Deployment update(
      Deployment actual, Deployment desired, SinkFleet fleet, Context<SinkFleet> context) {
    String fieldManager = context.getControllerConfiguration().fieldManager();
    if (desired.getSpec().getReplicas() == null
        && ReplicasHandover.appliedBy(actual, fieldManager)) {
      ReplicasHandover.handOver(
          actual,
          ReplicasHandover.startingCount(actual, FleetInputs.from(context).effective()),
          context.getClient());
    }
    return super.update(actual, desired, fleet, context);
  }

  /**
   * A fleet created straight into {@code Cpu} mode gets a Deployment without {@code replicas}; the
   * API server defaults it to 1 and nobody owns it, so until the HPA first acts (it needs metrics)
   * the fleet would run one sink below its minReplicas. The handover manager sets minReplicas right
   * away, as it does when a running fleet enters {@code Cpu} mode.
   */
  @Override
  public Deployment create(Deployment desired, SinkFleet fleet, Context<SinkFleet> context) {
    Deployment created = super.create(desired, fleet, context);
    if (desired.getSpec().getReplicas() == null) {
      ReplicasHandover.handOver(
          created,
          ReplicasHandover.startingCount(created, FleetInputs.from(context).effective()),
          context.getClient());
    }
    return created;
  }

  /** The Deployment for {@code fleet}; pure, so tests can run exactly what it renders. */
  public static Deployment build(SinkFleet fleet, FleetInputs inputs) {
    var deployment =
        new DeploymentBuilder()
            .withMetadata(FleetLabels.childMetadata(fleet))
            .withNewSpec()
            .withNewSelector()
            .withMatchLabels(FleetLabels.selector(fleet))
            .endSelector()
            .withTemplate(SinkPodTemplate.podTemplate(fleet, inputs))
            .endSpec()
            .build();
    // Omitted rather than null-valued: under server-side apply an absent field is not ours, so
    // the HPA's writes to spec.replicas are left alone.
    inputs.replicas().ifPresent(r -> deployment.getSpec().setReplicas(r));
    return deployment;
  }
}
