package io.nexomatic.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.model.SecretKeyRef;
import io.nexomatic.operator.model.SinkFleet;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Reads the credentials a fleet needs out of the Secrets it references. Reports a missing Secret or
 * key by name (never by value), so the fleet can wait for it instead of failing.
 */
public final class CredentialsResolver {

  /** The outcome of resolving a fleet's credentials. */
  public sealed interface Resolution permits Resolved, Unresolved {}

  /** Every referenced Secret and key was found. */
  public record Resolved(DerivedCredentials credentials) implements Resolution {}

  /** A referenced Secret or key is missing; {@code reason} is a status reason. */
  public record Unresolved(String reason, String message) implements Resolution {}

  private final BiFunction<String, String, Optional<Secret>> secrets;

  /**
   * @param secrets looks a Secret up by namespace and name
   */
  public CredentialsResolver(BiFunction<String, String, Optional<Secret>> secrets) {
    this.secrets = secrets;
  }

  /** Resolves the credentials of {@code fleet}. */
  public Resolution resolve(SinkFleet fleet) {
    String namespace = fleet.getMetadata().getNamespace();
    Map<String, byte[]> data = new LinkedHashMap<>();
    byte[] caBundle = null;
    for (var entry : ReferencedSecrets.of(fleet).entrySet()) {
      String field = entry.getKey();
      SecretKeyRef ref = entry.getValue();
      Optional<Secret> secret = secrets.apply(namespace, ref.getName());
      if (secret.isEmpty()) {
        return new Unresolved(
            Reasons.SECRET_NOT_FOUND,
            "Secret "
                + ref.getName()
                + " named by "
                + field
                + " does not exist in namespace "
                + namespace
                + ": create it; the fleet proceeds as soon as it appears");
      }
      Optional<byte[]> value = value(secret.get(), ref.getKey());
      if (value.isEmpty()) {
        return new Unresolved(
            Reasons.SECRET_KEY_MISSING,
            "Secret "
                + ref.getName()
                + " named by "
                + field
                + " has no key "
                + ref.getKey()
                + " (its keys: "
                + keys(secret.get())
                + "): add the key or fix "
                + field
                + ".key");
      }
      switch (field) {
        case "spec.auth.clientSecretRef" ->
            data.put(DerivedCredentials.CLIENT_SECRET_KEY, value.get());
        case "spec.tenant.secretRef" -> data.put(DerivedCredentials.TENANT_SECRET_KEY, value.get());
        default -> caBundle = value.get();
      }
    }
    return new Resolved(new DerivedCredentials(data, caBundle));
  }

  private static Optional<byte[]> value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return Optional.of(Base64.getDecoder().decode(secret.getData().get(key)));
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return Optional.of(
          secret.getStringData().get(key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }

  private static TreeSet<String> keys(Secret secret) {
    var keys = new TreeSet<String>();
    if (secret.getData() != null) {
      keys.addAll(secret.getData().keySet());
    }
    if (secret.getStringData() != null) {
      keys.addAll(secret.getStringData().keySet());
    }
    return keys;
  }
}
