package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The chart ships exactly the generated CRDs of crds/, byte for byte. */
class ChartCrdsTest {

  @Test
  void theChartsCrdsAreTheGeneratedOnes() throws IOException {
    Path generated = Repo.ROOT.resolve("crds");
    Path chart = Repo.CHART.resolve("crds");
    var generatedNames =
        Repo.files(generated).stream().map(p -> generated.relativize(p).toString()).toList();
    var chartNames = Repo.files(chart).stream().map(p -> chart.relativize(p).toString()).toList();

    assertThat(chartNames)
        .as(
            "helm/nexomatic-sink-operator/crds/ lists the same files as crds/ (copy them after"
                + " regenerating)")
        .containsExactlyElementsOf(generatedNames);
    for (String name : generatedNames) {
      assertThat(Files.mismatch(generated.resolve(name), chart.resolve(name)))
          .as(
              "helm/nexomatic-sink-operator/crds/%s differs from crds/%s: cp crds/%s"
                  + " helm/nexomatic-sink-operator/crds/",
              name, name, name)
          .isEqualTo(-1L);
    }
  }

  @Test
  void theCrdIsTheSinkFleetOne() {
    var crd =
        Repo.yamlDocuments(Repo.CHART.resolve("crds/sinkfleets.sinks.nexomatic.io-v1.yml")).get(0);
    assertThat(crd.at("/spec/group").asText()).isEqualTo("sinks.nexomatic.io");
    assertThat(crd.at("/spec/names/kind").asText()).isEqualTo("SinkFleet");
    assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("sf");
    assertThat(crd.at("/spec/versions/0/name").asText()).isEqualTo("v1alpha1");
    assertThat(crd.at("/spec/versions/0/subresources/scale/specReplicasPath").asText())
        .isEqualTo(".spec.replicas");
  }
}
