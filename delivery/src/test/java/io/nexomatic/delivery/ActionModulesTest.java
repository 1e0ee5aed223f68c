package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexomatic.hub.testing.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs each case of examples/actions/{python,powershell}/expected-outcomes.json through the sink
 * runtime's own bootstrap script (read from its source tree, nothing built) and compares the result
 * file with the expected state, result code, messages and data.
 */
class ActionModulesTest {

  private static final Path BOOTSTRAPS =
      Repo.ROOT.resolve("sink-runtime/src/main/resources/io/nexomatic/sink/bootstrap");

  static Stream<Arguments> cases() {
    var all = new ArrayList<Arguments>();
    for (String language : List.of("python", "powershell")) {
      Path dir = Repo.EXAMPLES.resolve("actions").resolve(language);
      JsonNode outcomes = Repo.json(dir.resolve("expected-outcomes.json"));
      for (JsonNode c : outcomes.path("cases")) {
        all.add(
            Arguments.of(
                language, c.path("name").asText(), dir, outcomes.path("module").asText(), c));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void theModuleProducesItsExpectedOutcome(
      String language, String name, Path modulesPath, String module, JsonNode c, @TempDir Path work)
      throws IOException, InterruptedException {
    List<String> command;
    if (language.equals("python")) {
      command =
          List.of(
              RequiredTool.require("python3", "the Python cases run the sink's bootstrap")
                  .toString(),
              BOOTSTRAPS.resolve("nexomatic_bootstrap.py").toString());
    } else {
      String pwsh =
          RequiredTool.require(
                  "pwsh", "the PowerShell cases need PowerShell 7 (the pwsh image runs them)")
              .toString();
      command =
          List.of(
              pwsh,
              "-NoProfile",
              "-NonInteractive",
              "-File",
              BOOTSTRAPS.resolve("nexomatic_bootstrap.ps1").toString());
    }
    ObjectNode request = Repo.JSON.createObjectNode();
    request.put("task_id", "example-" + name.replaceAll("\\W+", "-"));
    request.put("attempt", 1);
    request.put("module", module);
    request.set("payload", c.get("payload"));
    request.set("params", c.get("params"));
    Path resultFile = work.resolve("result.json");

    var builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
    builder.environment().put("NEXOMATIC_RESULT_FILE", resultFile.toString());
    builder.environment().put("NEXOMATIC_MODULES_PATH", modulesPath.toString());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    builder.environment().put("PYTHONIOENCODING", "utf-8");
    builder.environment().put("HOME", work.toString());
    Process process = builder.start();
    try (var stdin = process.getOutputStream()) {
      stdin.write(Repo.JSON.writeValueAsBytes(request));
    }
    String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the bootstrap finished").isTrue();

    assertThat(resultFile).as("result file; task log:%n%s", log).exists();
    JsonNode result = Repo.JSON.readTree(resultFile.toFile());
    JsonNode expected = c.get("expected");
    assertThat(result.path("state").asText())
        .as("state; log:%n%s", log)
        .isEqualTo(expected.path("state").asText());
    assertThat(result.path("result_code").asInt())
        .as("result code")
        .isEqualTo(expected.path("result_code").asInt());
    assertThat(result.path("messages")).as("messages").isEqualTo(expected.path("messages"));
    assertThat(numbersAsDoubles(result.path("data")))
        .as("data")
        .isEqualTo(numbersAsDoubles(expected.path("data")));
    assertThat(process.exitValue())
        .as("exit code")
        .isEqualTo(expected.path("result_code").asInt() & 0xFF);
  }

  /** 19.0 and 19 are the same JSON number; PowerShell and Python print them differently. */
  private static JsonNode numbersAsDoubles(JsonNode node) {
    if (node.isNumber()) {
      return Repo.JSON.getNodeFactory().numberNode(node.asDouble());
    }
    if (node.isObject()) {
      ObjectNode copy = Repo.JSON.createObjectNode();
      node.properties().forEach(e -> copy.set(e.getKey(), numbersAsDoubles(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      var copy = Repo.JSON.createArrayNode();
      node.forEach(e -> copy.add(numbersAsDoubles(e)));
      return copy;
    }
    return node;
  }
}
