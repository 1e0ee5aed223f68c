package io.nexomatic.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Edits an object the way users' tools do while an operator is writing it: read the latest version,
 * change it, update with that version, and on 409 Conflict read again and retry (as client-go's
 * {@code RetryOnConflict} and {@code kubectl edit} do). A plain {@code edit()} fails when the
 * operator's write lands between its read and its patch.
 */
public final class UserEdits {

  private static final int ATTEMPTS = 20;

  private UserEdits() {}

  /** Applies {@code change} to the current object's spec or metadata; returns what was stored. */
  public static <T extends HasMetadata> T edit(
      KubernetesClient client, Resource<T> resource, Consumer<T> change) {
    return retryingOnConflict(resource, change, current -> client.resource(current).update());
  }

  /** As {@link #edit}, through the status subresource (a controller's write). */
  public static <T extends HasMetadata> T editStatus(
      KubernetesClient client, Resource<T> resource, Consumer<T> change) {
    return retryingOnConflict(resource, change, current -> client.resource(current).updateStatus());
  }

  private static <T extends HasMetadata> T retryingOnConflict(
      Resource<T> resource, Consumer<T> change, UnaryOperator<T> write) {
    KubernetesClientException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      T current = resource.get();
      if (current == null) {
        throw new IllegalStateException("nothing to edit: the object does not exist");
      }
      change.accept(current);
      try {
        return write.apply(current);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        last = e;
      }
    }
    throw new IllegalStateException("still conflicting after " + ATTEMPTS + " attempts", last);
  }
}
