package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file under examples/ parses, and every SinkFleet in it passes the CRD's schema. */
class ExamplesTest {

  static final OpenApiSchemaValidator SCHEMA = new OpenApiSchemaValidator(Repo.sinkFleetSchema());

  static Stream<Path> yamlExamples() {
    return Repo.files(Repo.EXAMPLES).stream()
        .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"));
  }

  static Stream<Path> jsonExamples() {
    return Repo.files(Repo.EXAMPLES).stream().filter(p -> p.toString().endsWith(".json"));
  }

  /** Every SinkFleet document under examples/ (not the Helm values), by file and name. */
  static Map<String, JsonNode> exampleSinkFleets() {
    var fleets = new LinkedHashMap<String, JsonNode>();
    yamlExamples()
        .forEach(
            path -> {
              for (JsonNode doc : Repo.yamlDocuments(path)) {
                if (doc.path("kind").asText().equals("SinkFleet")) {
                  fleets.put(
                      Repo.rel(path) + "#" + doc.path("metadata").path("name").asText(), doc);
                }
              }
            });
    return fleets;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("yamlExamples")
  void everyYamlExampleParses(Path path) {
    assertThat(Repo.yamlDocuments(path)).as(Repo.rel(path)).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonExamples")
  void everyJsonExampleParses(Path path) {
    assertThat(Repo.json(path).isObject()).as(Repo.rel(path)).isTrue();
  }

  @Test
  void everyExampleSinkFleetPassesTheCrdSchema() {
    Map<String, JsonNode> fleets = exampleSinkFleets();
    assertThat(fleets.keySet())
        .containsExactlyInAnyOrder(
            "examples/backlog-autoscaling.yaml#python-backlog",
            "examples/cpu-autoscaling.yaml#python-cpu",
            "examples/ephemeral.yaml#python-ephemeral",
            "examples/flux/fleets/python.yaml#python-gitops",
            "examples/scheduled-capacity.yaml#python-office-hours",
            "examples/pinned-tenant.yaml#python-acme",
            "examples/pwsh-fleet.yaml#pwsh",
            "examples/python-fleet.yaml#python",
            "examples/workload-identity.yaml#pwsh-wi");
    fleets.forEach(
        (name, fleet) -> {
          assertThat(fleet.path("apiVersion").asText())
              .as(name)
              .isEqualTo("sinks.nexomatic.io/v1alpha1");
          assertThat(fleet.path("metadata").path("name").asText())
              .as(name)
              .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
          assertThat(SCHEMA.validate(fleet)).as(name).isEmpty();
        });
  }

  @Test
  void examplesCoverWhatTheyClaim() {
    Map<String, JsonNode> f = exampleSinkFleets();
    assertThat(f.get("examples/python-fleet.yaml#python").at("/spec/sinkType").asText())
        .isEqualTo("LOCAL:BASE");
    assertThat(f.get("examples/pwsh-fleet.yaml#pwsh").at("/spec/sinkType").asText())
        .isEqualTo("LOCAL:PWSH");
    JsonNode wi = f.get("examples/workload-identity.yaml#pwsh-wi").at("/spec/auth");
    assertThat(wi.path("method").asText()).isEqualTo("EntraId");
    assertThat(wi.has("clientSecretRef")).isFalse();
    assertThat(f.get("examples/pinned-tenant.yaml#python-acme").at("/spec/tenant/uuid").asText())
        .isNotEmpty();
    assertThat(
            f.get("examples/backlog-autoscaling.yaml#python-backlog")
                .at("/spec/autoscaling/mode")
                .asText())
        .isEqualTo("Backlog");
    assertThat(
            f.get("examples/backlog-autoscaling.yaml#python-backlog")
                .at("/spec/autoscaling/minReplicas")
                .asInt())
        .isZero();
    assertThat(
            f.get("examples/cpu-autoscaling.yaml#python-cpu").at("/spec/autoscaling/mode").asText())
        .isEqualTo("Cpu");
    // The cross-field (CEL) rules the schema validator leaves to the API server, checked here.
    f.forEach(
        (name, fleet) -> {
          JsonNode spec = fleet.path("spec");
          String method = spec.at("/auth/method").asText("ClientSecret");
          if (method.equals("ClientSecret")) {
            assertThat(spec.at("/auth/clientSecretRef").isObject()).as(name).isTrue();
          } else {
            assertThat(spec.at("/auth/entraId").isObject()).as(name).isTrue();
          }
          if (spec.at("/tenant/secretRef").isObject()) {
            assertThat(spec.at("/tenant/uuid").asText()).as(name).isNotEmpty();
          }
          JsonNode as = spec.path("autoscaling");
          assertThat(as.path("minReplicas").asInt(1))
              .as(name)
              .isLessThanOrEqualTo(as.path("maxReplicas").asInt(10));
          if (as.path("fallback").path("policy").asText().equals("Fixed")) {
            assertThat(as.at("/fallback/replicas").isInt()).as(name).isTrue();
          }
          if (spec.has("terminationGracePeriodSeconds")) {
            assertThat(spec.path("terminationGracePeriodSeconds").asInt())
                .as(name)
                .isGreaterThan(spec.at("/runtime/drainTimeoutSeconds").asInt(120));
          }
        });
  }

  @Test
  void theSchemaValidatorCatchesWhatTheApiServerWouldRefuse() {
    JsonNode good = exampleSinkFleets().get("examples/python-fleet.yaml#python");
    var bad = good.deepCopy();
    var spec = (com.fasterxml.jackson.databind.node.ObjectNode) bad.get("spec");
    spec.put("sinkType", "LOCAL BASE");
    spec.put("replicas", -1);
    spec.put("replicaCount", 2);
    spec.remove("image");
    ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("hub")).put("port", "50051");
    ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("runtime")).put("concurrency", 1000);
    spec.putObject("autoscaling").put("mode", "Memory");

    assertThat(SCHEMA.validate(bad))
        .containsExactlyInAnyOrder(
            "spec.image: is required",
            "spec.sinkType: 'LOCAL BASE' does not match ^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*$",
            "spec.replicas: must be at least 0, got -1",
            "spec.replicaCount: unknown field (not in the SinkFleet schema)",
            "spec.hub.port: must be an integer, got string \"50051\"",
            "spec.runtime.concurrency: must be at most 256, got 1000",
            "spec.autoscaling.mode: must be one of [\"Backlog\",\"Cpu\",\"Ephemeral\",\"None\"], got \"Memory\"");
  }

  @Test
  void theArgoCdApplicationInstallsTheChartWithAnExampleValuesFile() {
    JsonNode app = Repo.yamlDocuments(Repo.EXAMPLES.resolve("argocd/application.yaml")).get(0);
    assertThat(app.path("apiVersion").asText()).isEqualTo("argoproj.io/v1alpha1");
    assertThat(app.path("kind").asText()).isEqualTo("Application");
    JsonNode source = app.at("/spec/source");
    Path chart = Repo.ROOT.resolve(source.path("path").asText());
    assertThat(chart).isEqualTo(Repo.CHART);
    for (JsonNode valueFile : source.at("/helm/valueFiles")) {
      assertThat(chart.resolve(valueFile.asText()).normalize()).isRegularFile();
    }
    List<String> syncOptions =
        Repo.JSON.convertValue(
            app.at("/spec/syncPolicy/syncOptions"),
            Repo.JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    assertThat(syncOptions).contains("ServerSideApply=true");
  }

  @Test
  void dockerComposeIsTheSeedsWithEveryVariableInEnvExample() {
    Path dir = Repo.EXAMPLES.resolve("docker-compose");
    JsonNode compose = Repo.yamlDocuments(dir.resolve("docker-compose.yml")).get(0);
    JsonNode python = compose.at("/services/sink-python");
    JsonNode pwsh = compose.at("/services/sink-powershell");
    assertThat(python.path("image").asText())
        .isEqualTo(
            "${NEXOMATIC_REGISTRY:-your-registry}/nexomatic-sink-local:${NEXOMATIC_VERSION:-0.1.0}");
    assertThat(pwsh.path("image").asText()).contains("/nexomatic-sink-powershell-local:");
    assertThat(python.at("/environment/CLIENT_ID").asText()).isEqualTo("LOCAL:BASE");
    assertThat(pwsh.at("/environment/CLIENT_ID").asText()).isEqualTo("LOCAL:PWSH");
    assertThat(python.at("/environment/HUB_PORT").isTextual()).isTrue();
    assertThat(python.at("/environment/CLIENT_SECRET").asText()).isEqualTo("${SINK_CLIENT_SECRET}");

    Set<String> referenced = new LinkedHashSet<>();
    var matcher =
        Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)(?::-[^}]*)?}")
            .matcher(Repo.read(dir.resolve("docker-compose.yml")));
    while (matcher.find()) {
      referenced.add(matcher.group(1));
    }
    Set<String> declared = new LinkedHashSet<>();
    for (String line : Repo.read(dir.resolve(".env.example")).split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        declared.add(line.substring(0, line.indexOf('=')));
      }
    }
    assertThat(declared).containsExactlyInAnyOrderElementsOf(referenced);
    assertThat(Repo.read(dir.resolve(".gitignore"))).contains(".env");
  }
}
