package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.model.SinkFleet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fleet's ServiceAccount: no API token unless Entra ID Workload Identity needs the projected
 * token, in which case it carries the identity's client id.
 */
@KubernetesDependent(informer = @Informer(labelSelector = FleetLabels.MANAGED_SELECTOR))
public class ServiceAccountDependent
    extends CRUDKubernetesDependentResource<ServiceAccount, SinkFleet> {

  /** Tells the Workload Identity webhook which identity the pods federate with. */
  public static final String WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION =
      "azure.workload.identity/client-id";

  public ServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  protected ServiceAccount desired(SinkFleet fleet, Context<SinkFleet> context) {
    return build(fleet, FleetInputs.from(context).effective());
  }

  /** The ServiceAccount for {@code fleet}. */
  static ServiceAccount build(SinkFleet fleet, EffectiveFleet effective) {
    boolean entraId = effective.entraId();
    // Mutable and never null: JOSDK adds its bookkeeping annotation to it.
    Map<String, String> annotations = new LinkedHashMap<>();
    if (entraId) {
      annotations.put(
          WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION,
          fleet.getSpec().getAuth().getEntraId().getClientId());
    }
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(FleetLabels.workloadName(fleet))
        .withNamespace(fleet.getMetadata().getNamespace())
        .withLabels(FleetLabels.common(fleet))
        .withAnnotations(annotations)
        .endMetadata()
        .withAutomountServiceAccountToken(entraId)
        .build();
  }
}
