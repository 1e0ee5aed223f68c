package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.nexomatic.operator.model.SinkFleet;

/**
 * The fleet's own Secret ({@code <fleet>-credentials}) holding exactly the credentials the sinks
 * need, mounted as files so no secret sits in a pod's environment.
 */
// JOSDK leaves Secrets out of server-side apply by default because of stringData; this Secret
// only ever has data, so it is applied like every other child.
@KubernetesDependent(
    useSSA = BooleanWithUndefined.TRUE,
    informer = @Informer(labelSelector = FleetLabels.MANAGED_SELECTOR))
public class CredentialsSecretDependent extends CRUDKubernetesDependentResource<Secret, SinkFleet> {

  public CredentialsSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(SinkFleet fleet, Context<SinkFleet> context) {
    return build(fleet, FleetInputs.from(context));
  }

  /** The derived Secret for {@code fleet}. */
  static Secret build(SinkFleet fleet, FleetInputs inputs) {
    return new SecretBuilder()
        .withMetadata(FleetLabels.childMetadata(fleet, FleetLabels.credentialsSecretName(fleet)))
        .withType("Opaque")
        .withImmutable(false)
        .withData(inputs.credentials().encodedSecretData())
        .build();
  }
}
