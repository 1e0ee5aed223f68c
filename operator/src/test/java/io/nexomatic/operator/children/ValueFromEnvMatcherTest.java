package io.nexomatic.operator.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueFromEnvMatcherTest {

  private final ValueFromEnvMatcher matcher = new ValueFromEnvMatcher();

  @Test
  void aDownwardApiVariableWithoutValueMatchesItsDesiredSelf() {
    var podName =
        new EnvVarBuilder()
            .withName("POD_NAME")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endValueFrom()
            .build();
    Deployment desired = deployment(podName, plain("HUB_HOST", "hub"));
    Map<String, Object> actualMap = asMap(desired);

    matcher.sanitizeState(desired, desired, actualMap);

    assertThat(env(actualMap).get(0)).doesNotContainKey("value").containsKey("valueFrom");
    assertThat(env(actualMap).get(1)).containsEntry("value", "hub");
  }

  @Test
  void aDesiredEmptyValueStillMatchesTheValueTheApiServerDropped() {
    Deployment desired = deployment(plain("EMPTY", ""));
    Deployment actual = deployment(new EnvVarBuilder().withName("EMPTY").build());
    Map<String, Object> actualMap = asMap(actual);

    matcher.sanitizeState(actual, desired, actualMap);

    assertThat(env(actualMap).get(0)).containsEntry("value", "");
  }

  private static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static Deployment deployment(EnvVar... env) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("fleet")
        .endMetadata()
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName(SinkPodTemplate.CONTAINER_NAME)
        .withEnv(env)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Deployment d) {
    return new KubernetesSerialization().convertValue(d, Map.class);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> env(Map<String, Object> deploymentMap) {
    return (List<Map<String, Object>>)
        GenericKubernetesResource.get(
            deploymentMap, "spec", "template", "spec", "containers", 0, "env");
  }
}
