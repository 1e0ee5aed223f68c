package io.nexomatic.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Renders the chart offline with helm-java (the Helm library, no cluster, no network). */
final class Chart {

  static final String RELEASE = "nexomatic";
  static final String NAMESPACE = "nexomatic";

  /** A Kubernetes version the chart supports (Chart.yaml kubeVersion >=1.25). */
  static final String KUBE_VERSION = "1.30.0";

  private Chart() {}

  /** The rendered objects for the given values files (in order) and --set values. */
  static List<JsonNode> template(List<Path> valuesFiles, Map<String, String> set) {
    return Repo.yamlDocuments(render(valuesFiles, set));
  }

  static List<JsonNode> template(Path... valuesFiles) {
    return template(List.of(valuesFiles), Map.of());
  }

  static String render(List<Path> valuesFiles, Map<String, String> set) {
    TemplateCommand command =
        new Helm(Repo.CHART)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    for (Path file : valuesFiles) {
      command = command.withValuesFile(file);
    }
    for (var entry : set.entrySet()) {
      command = command.set(entry.getKey(), entry.getValue());
    }
    return command.call();
  }

  /** The objects of one kind. */
  static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  /** The one object of a kind and name. */
  static JsonNode get(List<JsonNode> objects, String kind, String name) {
    var matches =
        objects.stream()
            .filter(o -> o.path("kind").asText().equals(kind))
            .filter(o -> o.at("/metadata/name").asText().equals(name))
            .toList();
    if (matches.size() != 1) {
      throw new AssertionError(
          "expected one "
              + kind
              + " "
              + name
              + ", found "
              + matches.size()
              + " among "
              + names(objects));
    }
    return matches.get(0);
  }

  static List<String> names(List<JsonNode> objects) {
    return objects.stream()
        .map(o -> o.path("kind").asText() + "/" + o.at("/metadata/name").asText())
        .toList();
  }
}
