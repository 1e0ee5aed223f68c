package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart renders with every values file under examples/helm/, and its SinkFleets are valid. */
class ChartExamplesTest {

  static Stream<Path> valuesFiles() {
    return Repo.files(Repo.EXAMPLES.resolve("helm")).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valuesFiles")
  void rendersAndEverySinkFleetPassesTheCrdSchema(Path valuesFile) {
    List<JsonNode> objects = Chart.template(valuesFile);

    assertThat(Chart.ofKind(objects, "Deployment")).hasSize(1);
    for (JsonNode fleet : Chart.ofKind(objects, "SinkFleet")) {
      String name = fleet.at("/metadata/name").asText();
      assertThat(fleet.path("apiVersion").asText()).isEqualTo("sinks.nexomatic.io/v1alpha1");
      assertThat(fleet.at("/metadata/namespace").asText()).as(name).isNotEmpty();
      assertThat(ExamplesTest.SCHEMA.validate(fleet)).as(name).isEmpty();
    }
    // Credentials stay in the user's Secrets: the chart renders none, and nothing that carries
    // secret data or a literal value for a secret-looking variable.
    assertThat(Chart.ofKind(objects, "Secret")).isEmpty();
    for (JsonNode object : objects) {
      object
          .findValues("env")
          .forEach(
              env ->
                  env.forEach(
                      var ->
                          assertThat(
                                  var.path("name").asText().matches(".*(SECRET|TOKEN|PASSWORD).*")
                                      && var.has("value")
                                      && !var.path("name").asText().endsWith("_FILE"))
                              .as(valuesFile + ": " + var)
                              .isFalse()));
    }
  }

  @Test
  void sinkFleetsValuesRenderTheirSpecsUnchanged() {
    Path values = Repo.EXAMPLES.resolve("helm/sink-fleets.yaml");
    JsonNode declared = Repo.yamlDocuments(values).get(0).path("sinkFleets");
    List<JsonNode> fleets = Chart.ofKind(Chart.template(values), "SinkFleet");

    assertThat(Chart.names(fleets)).containsExactlyInAnyOrder("SinkFleet/python", "SinkFleet/pwsh");
    for (JsonNode fleet : fleets) {
      String name = fleet.at("/metadata/name").asText();
      assertThat(fleet.path("spec")).as(name).isEqualTo(declared.path(name).path("spec"));
    }
    assertThat(Chart.get(fleets, "SinkFleet", "pwsh").at("/metadata/labels/team").asText())
        .isEqualTo("automation");
  }

  @Test
  void theNamespacedExampleRestrictsRbacAndAddsMonitoring() {
    List<JsonNode> objects =
        Chart.template(Repo.EXAMPLES.resolve("helm/namespaced-with-monitoring.yaml"));

    assertThat(Chart.ofKind(objects, "ClusterRole")).isEmpty();
    assertThat(Chart.ofKind(objects, "ServiceMonitor")).hasSize(1);
    JsonNode deployment = Chart.ofKind(objects, "Deployment").get(0);
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(deployment.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo(
            "registry.example.com/nexomatic/nexomatic-operator@sha256:0000000000000000000000000000000000000000000000000000000000000000");
  }
}
