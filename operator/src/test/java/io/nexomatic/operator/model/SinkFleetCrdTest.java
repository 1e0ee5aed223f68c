package io.nexomatic.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What users get from the committed CRD at kubectl apply time. */
class SinkFleetCrdTest {

  private static CustomResourceDefinitionVersion version() throws IOException {
    Path file =
        Path.of(System.getProperty("nexomatic.committedCrds", "../crds"))
            .resolve("sinkfleets.sinks.nexomatic.io-v1.yml");
    try (InputStream in = Files.newInputStream(file)) {
      var crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      assertThat(crd.getSpec().getGroup()).isEqualTo("sinks.nexomatic.io");
      assertThat(crd.getSpec().getNames().getKind()).isEqualTo("SinkFleet");
      assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("sinkfleets");
      assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("sf");
      assertThat(crd.getSpec().getNames().getCategories()).containsExactly("nexomatic");
      return crd.getSpec().getVersions().get(0);
    }
  }

  private static JSONSchemaProps spec() throws IOException {
    return version().getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  @Test
  void servesV1alpha1WithStatusAndScaleSubresources() throws IOException {
    var version = version();

    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getSubresources().getStatus()).isNotNull();
    var scale = version.getSubresources().getScale();
    assertThat(scale.getSpecReplicasPath()).isEqualTo(".spec.replicas");
    assertThat(scale.getStatusReplicasPath()).isEqualTo(".status.replicas");
    assertThat(scale.getLabelSelectorPath()).isEqualTo(".status.selector");
  }

  @Test
  void printsTheFleetsShapeInKubectlGet() throws IOException {
    // The generator orders columns by JSON path; the set is what the model declares.
    assertThat(version().getAdditionalPrinterColumns())
        .extracting(c -> c.getName())
        .containsExactlyInAnyOrder(
            "Type", "Desired", "Ready", "Connected", "Queued", "Status", "Age");
  }

  @Test
  void putsDefaultsEnumsAndBoundsInTheSchema() throws IOException {
    var spec = spec();
    var runtime = spec.getProperties().get("runtime");
    var autoscaling = spec.getProperties().get("autoscaling");

    assertThat(spec.getRequired()).contains("sinkType", "image", "hub", "auth");
    assertThat(runtime.getProperties().get("drainTimeoutSeconds").getDefault().asInt())
        .isEqualTo(120);
    assertThat(autoscaling.getProperties().get("mode").getEnum())
        .extracting(n -> n.asText())
        .containsExactlyInAnyOrder("None", "Cpu", "Backlog", "Ephemeral");
    assertThat(autoscaling.getProperties().get("pollIntervalSeconds").getDefault().asInt())
        .isEqualTo(5);
    assertThat(
            autoscaling.getProperties().get("scaleDownStabilizationSeconds").getDefault().asInt())
        .isEqualTo(300);
    assertThat(spec.getProperties().get("hub").getProperties().get("port").getMaximum())
        .isEqualTo(65535.0);
    assertThat(spec.getProperties().get("tenant").getProperties().get("uuid").getPattern())
        .isEqualTo(ModelPatterns.UUID);
    assertThat(spec.getProperties().get("runtime").getDefault()).isNotNull();
  }

  @Test
  void carriesTheValidatorsCrossFieldRulesAsCel() throws IOException {
    var spec = spec();

    assertThat(spec.getXKubernetesValidations())
        .extracting(ValidationRule::getRule)
        .containsExactly(
            SpecRules.GRACE_ABOVE_DRAIN_RULE, SpecRules.NETWORK_POLICY_NEEDS_HUB_PEERS_RULE);
    assertThat(spec.getProperties().get("auth").getXKubernetesValidations())
        .extracting(ValidationRule::getRule, ValidationRule::getMessage)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                SpecRules.CLIENT_SECRET_REQUIRED_RULE, SpecRules.CLIENT_SECRET_REQUIRED_MESSAGE),
            org.assertj.core.groups.Tuple.tuple(
                SpecRules.ENTRA_ID_REQUIRED_RULE, SpecRules.ENTRA_ID_REQUIRED_MESSAGE));
    assertThat(spec.getProperties().get("tenant").getXKubernetesValidations())
        .extracting(ValidationRule::getRule)
        .containsExactly(SpecRules.TENANT_UUID_REQUIRED_RULE);
    assertThat(spec.getProperties().get("autoscaling").getXKubernetesValidations())
        .extracting(ValidationRule::getRule)
        .containsExactlyInAnyOrder(
            SpecRules.MIN_NOT_ABOVE_MAX_RULE,
            SpecRules.CPU_MIN_AT_LEAST_ONE_RULE,
            SpecRules.CPU_STABILIZATION_WITHIN_HPA_LIMIT_RULE,
            SpecRules.SCHEDULES_ONLY_IN_BACKLOG_RULE);
  }

  @Test
  void describesEveryFieldOfTheSpec() throws IOException {
    assertDescribed("spec", spec());
  }

  private static void assertDescribed(String path, JSONSchemaProps props) {
    if (props.getProperties() == null) {
      return;
    }
    props
        .getProperties()
        .forEach(
            (name, child) -> {
              String childPath = path + "." + name;
              // Embedded Kubernetes types (resources, affinity, ...) carry fabric8's schema.
              if (path.split("\\.").length <= 3) {
                assertThat(child.getDescription()).as(childPath + " description").isNotBlank();
              }
              if (!isKubernetesType(name)) {
                assertDescribed(childPath, child);
              }
            });
  }

  private static boolean isKubernetesType(String field) {
    return java.util.Set.of(
            "resources",
            "affinity",
            "tolerations",
            "topologySpreadConstraints",
            "env",
            "imagePullSecrets")
        .contains(field);
  }
}
