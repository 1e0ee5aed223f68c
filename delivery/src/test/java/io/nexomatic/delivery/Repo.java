package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Paths of the repository and YAML/JSON reading shared by the delivery tests. */
final class Repo {

  static final YAMLMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = JsonMapper.builder().build();

  /** The repository root: the nearest ancestor of the working directory holding crds/ and helm/. */
  static final Path ROOT = findRoot();

  static final Path CHART = ROOT.resolve("helm/nexomatic-sink-operator");
  static final Path CRD = ROOT.resolve("crds/sinkfleets.sinks.nexomatic.io-v1.yml");
  static final Path EXAMPLES = ROOT.resolve("examples");

  private Repo() {}

  private static Path findRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("crds")) && Files.isDirectory(p.resolve("helm"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (with crds/ and helm/) above " + dir);
  }

  static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of a (multi-document) YAML text, skipping empty ones. */
  static List<JsonNode> yamlDocuments(String text) {
    var docs = new ArrayList<JsonNode>();
    try (var parser = new YAMLFactory().createParser(text)) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  static List<JsonNode> yamlDocuments(Path path) {
    try {
      return yamlDocuments(read(path));
    } catch (UncheckedIOException e) {
      return fail("%s is not valid YAML: %s", ROOT.relativize(path), e.getCause().getMessage());
    }
  }

  static JsonNode json(Path path) {
    try {
      return JSON.readTree(path.toFile());
    } catch (IOException e) {
      return fail("%s is not valid JSON: %s", ROOT.relativize(path), e.getMessage());
    }
  }

  /** {@code text} parsed as JSON. */
  static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return fail("not valid JSON: %s (%s)", text, e.getMessage());
    }
  }

  /** Regular files under {@code dir} (recursively, dot-files included), sorted. */
  static List<Path> files(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CRD's openAPIV3Schema for v1alpha1. */
  static JsonNode sinkFleetSchema() {
    JsonNode crd = yamlDocuments(CRD).get(0);
    for (JsonNode version : crd.path("spec").path("versions")) {
      if (version.path("name").asText().equals("v1alpha1")) {
        return version.path("schema").path("openAPIV3Schema");
      }
    }
    throw new IllegalStateException("no v1alpha1 in " + CRD);
  }

  static String rel(Path path) {
    return ROOT.relativize(path).toString();
  }
}
