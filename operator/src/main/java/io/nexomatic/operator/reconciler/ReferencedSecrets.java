package io.nexomatic.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.nexomatic.operator.model.AuthMethod;
import io.nexomatic.operator.model.SecretKeyRef;
import io.nexomatic.operator.model.SinkFleet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The user's Secrets a fleet references: watched through an informer whose events map back to the
 * fleets that name them (via an index on the primary cache), so a fleet waiting for a missing
 * Secret recovers as soon as it appears, and a rotation rolls the fleet.
 */
public final class ReferencedSecrets {

  /** Name of the event source watching the user's Secrets. */
  public static final String EVENT_SOURCE_NAME = "referenced-secrets";

  static final String INDEX = "sinkfleet-referenced-secrets";

  private ReferencedSecrets() {}

  /** The event source, and the index it maps through, for {@code context}'s controller. */
  public static InformerEventSource<Secret, SinkFleet> eventSource(
      EventSourceContext<SinkFleet> context) {
    context.getPrimaryCache().addIndexer(INDEX, ReferencedSecrets::indexKeys);
    var configuration =
        InformerEventSourceConfiguration.from(Secret.class, SinkFleet.class)
            .withName(EVENT_SOURCE_NAME)
            .withSecondaryToPrimaryMapper(
                secret ->
                    context
                        .getPrimaryCache()
                        .byIndex(
                            INDEX,
                            indexKey(
                                secret.getMetadata().getNamespace(),
                                secret.getMetadata().getName()))
                        .stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    return new InformerEventSource<>(configuration, context);
  }

  /** Reads a referenced Secret from the informer's cache (no API call). */
  @SuppressWarnings("unchecked")
  public static Optional<Secret> lookup(Context<SinkFleet> context, String namespace, String name) {
    var source =
        (InformerEventSource<Secret, SinkFleet>)
            context.eventSourceRetriever().getEventSourceFor(Secret.class, EVENT_SOURCE_NAME);
    return source.get(new ResourceID(name, namespace));
  }

  /** The Secret references of {@code fleet}, keyed by the spec field that holds them. */
  public static Map<String, SecretKeyRef> of(SinkFleet fleet) {
    var refs = new LinkedHashMap<String, SecretKeyRef>();
    var spec = fleet.getSpec();
    if (spec == null) {
      return refs;
    }
    var auth = spec.getAuth();
    if (auth != null
        && auth.getMethod() != AuthMethod.ENTRA_ID
        && auth.getClientSecretRef() != null) {
      refs.put("spec.auth.clientSecretRef", auth.getClientSecretRef());
    }
    if (spec.getTenant() != null && spec.getTenant().getSecretRef() != null) {
      refs.put("spec.tenant.secretRef", spec.getTenant().getSecretRef());
    }
    if (spec.getHub() != null
        && spec.getHub().getTls() != null
        && spec.getHub().getTls().getCaSecretRef() != null) {
      refs.put("spec.hub.tls.caSecretRef", spec.getHub().getTls().getCaSecretRef());
    }
    return refs;
  }

  static List<String> indexKeys(SinkFleet fleet) {
    var keys = new ArrayList<String>();
    for (var ref : of(fleet).values()) {
      if (ref.getName() != null) {
        keys.add(indexKey(fleet.getMetadata().getNamespace(), ref.getName()));
      }
    }
    return keys;
  }

  static String indexKey(String namespace, String name) {
    return namespace + "/" + name;
  }
}
