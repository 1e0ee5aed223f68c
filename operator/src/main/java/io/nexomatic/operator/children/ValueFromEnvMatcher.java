package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.SSABasedGenericKubernetesResourceMatcher;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * JOSDK's server-side-apply matcher without its false difference on environment variables set
 * through {@code valueFrom}.
 *
 * <p>JOSDK 5.2.3 gives every actual variable without a {@code value} an empty one, so that a
 * desired {@code value: ""} (which the API server drops) matches. It does so for {@code valueFrom}
 * variables too, whose desired value is absent, not empty; the fleet's {@code POD_NAME} and {@code
 * NODE_NAME} then differed on every reconcile, and every reconcile re-applied the Deployment. This
 * takes the empty value back off wherever the desired variable has none.
 */
public class ValueFromEnvMatcher extends SSABasedGenericKubernetesResourceMatcher<Deployment> {

  @Override
  protected void sanitizeState(
      Deployment actual, Deployment desired, Map<String, Object> actualMap) {
    super.sanitizeState(actual, desired, actualMap);
    List<Container> desiredContainers =
        Optional.ofNullable(desired.getSpec())
            .map(s -> s.getTemplate())
            .map(t -> t.getSpec())
            .map(s -> s.getContainers())
            .orElse(List.of());
    if (!(GenericKubernetesResource.get(actualMap, "spec", "template", "spec", "containers")
        instanceof List<?> actualContainers)) {
      return;
    }
    for (Object container : actualContainers) {
      if (container instanceof Map<?, ?> c && c.get("env") instanceof List<?> env) {
        desiredContainers.stream()
            .filter(d -> Objects.equals(d.getName(), c.get("name")))
            .findFirst()
            .ifPresent(d -> dropInventedValues(env, d.getEnv()));
      }
    }
  }

  private static void dropInventedValues(List<?> actualEnv, List<EnvVar> desiredEnv) {
    for (Object entry : actualEnv) {
      if (entry instanceof Map<?, ?> var
          && "".equals(var.get("value"))
          && var.containsKey("valueFrom")
          && desiredEnv.stream()
              .anyMatch(
                  d -> Objects.equals(d.getName(), var.get("name")) && d.getValue() == null)) {
        var.remove("value");
      }
    }
  }
}
