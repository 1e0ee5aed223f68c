package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart ships exactly the generated CRDs of crds/, byte for byte, and renders them as templates
 * (so that helm upgrade upgrades them) that helm uninstall keeps.
 */
class ChartCrdsTest {

  @Test
  void theChartsCrdsAreTheGeneratedOnes() throws IOException {
    Path generated = Repo.ROOT.resolve("crds");
    Path chart = Repo.CHART.resolve("files/crds");
    var generatedNames =
        Repo.files(generated).stream().map(p -> generated.relativize(p).toString()).toList();
    var chartNames = Repo.files(chart).stream().map(p -> chart.relativize(p).toString()).toList();

    assertThat(chartNames)
        .as(
            "helm/nexomatic-sink-operator/files/crds/ lists the same files as crds/ (copy them"
                + " after regenerating)")
        .containsExactlyElementsOf(generatedNames);
    for (String name : generatedNames) {
      assertThat(Files.mismatch(generated.resolve(name), chart.resolve(name)))
          .as(
              "helm/nexomatic-sink-operator/files/crds/%s differs from crds/%s: cp crds/%s"
                  + " helm/nexomatic-sink-operator/files/crds/",
              name, name, name)
          .isEqualTo(-1L);
    }
  }

  @Test
  void noCrdsDirectoryWhichHelmWouldNeverUpgrade() {
    assertThat(Repo.CHART.resolve("crds")).doesNotExist();
  }

  @Test
  void theRenderedCrdIsTheGeneratedOneKeptOnUninstall() {
    var crd =
        Chart.get(Chart.template(), "CustomResourceDefinition", "sinkfleets.sinks.nexomatic.io");
    var generated = Repo.yamlDocuments(Repo.CRD).get(0);

    assertThat(crd.at("/metadata/annotations/helm.sh~1resource-policy").asText()).isEqualTo("keep");
    assertThat(crd.at("/metadata/labels/app.kubernetes.io~1managed-by").asText()).isEqualTo("Helm");
    assertThat(crd.get("spec"))
        .as("the rendered spec is the generated one")
        .isEqualTo(generated.get("spec"));
    assertThat(crd.at("/spec/group").asText()).isEqualTo("sinks.nexomatic.io");
    assertThat(crd.at("/spec/names/kind").asText()).isEqualTo("SinkFleet");
    assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("sf");
    assertThat(crd.at("/spec/versions/0/name").asText()).isEqualTo("v1alpha1");
    assertThat(crd.at("/spec/versions/0/subresources/scale/specReplicasPath").asText())
        .isEqualTo(".spec.replicas");
  }

  @Test
  void crdsInstallFalseRendersNoCrd() {
    assertThat(
            Chart.ofKind(
                Chart.template(List.of(), Map.of("crds.install", "false")),
                "CustomResourceDefinition"))
        .isEmpty();
  }
}
