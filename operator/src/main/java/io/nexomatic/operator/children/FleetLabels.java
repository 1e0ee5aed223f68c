package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.nexomatic.operator.model.SinkFleet;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of a fleet's children. */
public final class FleetLabels {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  public static final String APP_NAME = "nexomatic-sink";
  public static final String SINK_COMPONENT = "sink";
  public static final String OPERATOR_NAME = "nexomatic-operator";

  /** Selects every child the operator manages, so its informers cache nothing else. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR_NAME;

  private FleetLabels() {}

  /** The labels that select a fleet's pods; immutable once the Deployment exists. */
  public static Map<String, String> selector(SinkFleet fleet) {
    var labels = new LinkedHashMap<String, String>();
    labels.put(NAME, APP_NAME);
    labels.put(INSTANCE, fleet.getMetadata().getName());
    return labels;
  }

  /** {@link #selector} in label-selector syntax, as the scale subresource reports it. */
  public static String selectorString(SinkFleet fleet) {
    return NAME + "=" + APP_NAME + "," + INSTANCE + "=" + fleet.getMetadata().getName();
  }

  /** The labels every child carries. */
  public static Map<String, String> common(SinkFleet fleet) {
    var labels = selector(fleet);
    labels.put(COMPONENT, SINK_COMPONENT);
    labels.put(MANAGED_BY, OPERATOR_NAME);
    return labels;
  }

  /** A child's metadata: the fleet's name (or {@code name}), namespace and common labels. */
  public static ObjectMeta childMetadata(SinkFleet fleet, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(fleet.getMetadata().getNamespace())
        .withLabels(common(fleet))
        .build();
  }

  /** {@link #childMetadata(SinkFleet, String)} under the fleet's own name. */
  public static ObjectMeta childMetadata(SinkFleet fleet) {
    return childMetadata(fleet, workloadName(fleet));
  }

  /** Name of the Deployment, ServiceAccount, HPA, PodDisruptionBudget and NetworkPolicy. */
  public static String workloadName(SinkFleet fleet) {
    return fleet.getMetadata().getName();
  }

  /** Name of the derived credentials Secret. */
  public static String credentialsSecretName(SinkFleet fleet) {
    return fleet.getMetadata().getName() + "-credentials";
  }
}
