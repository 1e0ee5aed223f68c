package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs examples/argocd/health.lua with LuaJ the way Argo CD runs a health customization: the
 * resource as the global {@code obj}, the script's return value a table with status and message.
 */
class ArgoCdHealthLuaTest {

  private static final Path HEALTH_LUA = Repo.EXAMPLES.resolve("argocd/health.lua");
  private static final Path FIXTURES =
      Repo.ROOT.resolve("delivery/src/test/resources/argocd-health");

  static Stream<Path> fixtures() {
    return Repo.files(FIXTURES).stream().filter(p -> p.toString().endsWith(".yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void reportsTheExpectedHealth(Path fixture) {
    JsonNode doc = Repo.yamlDocuments(fixture).get(0);
    Map<String, String> health = run(doc.get("obj"));

    assertThat(health)
        .as(fixture.getFileName().toString())
        .containsEntry("status", doc.path("expected").path("status").asText())
        .containsEntry("message", doc.path("expected").path("message").asText());
  }

  @Test
  void coversEveryArgoCdStatusTheDesignNames() {
    List<String> statuses =
        fixtures()
            .map(p -> Repo.yamlDocuments(p).get(0).path("expected").path("status").asText())
            .distinct()
            .toList();

    assertThat(statuses)
        .containsExactlyInAnyOrder("Healthy", "Progressing", "Degraded", "Suspended");
  }

  @Test
  void theArgoCdConfigMapSnippetCarriesTheSameScript() {
    JsonNode snippet =
        Repo.yamlDocuments(Repo.EXAMPLES.resolve("argocd/argocd-cm-health.yaml")).get(0);
    String embedded =
        snippet
            .path("data")
            .path("resource.customizations.health.sinks.nexomatic.io_SinkFleet")
            .asText();

    assertThat(embedded).isEqualTo(Repo.read(HEALTH_LUA));
  }

  @Test
  void everyExampleFleetIsProgressingUntilTheOperatorReportsStatus() {
    for (JsonNode fleet : ExamplesTest.exampleSinkFleets().values()) {
      assertThat(run(fleet)).containsEntry("status", "Progressing");
    }
  }

  static Map<String, String> run(JsonNode obj) {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", toLua(obj));
    LuaValue result = globals.load(Repo.read(HEALTH_LUA), "health.lua").call();
    assertThat(result.istable()).as("health.lua returns a table").isTrue();
    return Map.of(
        "status", result.get("status").optjstring("<nil>"),
        "message", result.get("message").optjstring("<nil>"));
  }

  /** JSON to Lua as Argo CD's gopher-lua conversion does: objects and arrays become tables. */
  static LuaValue toLua(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (node.isObject()) {
      var table = new LuaTable();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        table.set(field.getKey(), toLua(field.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      var table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, toLua(node.get(i)));
      }
      return table;
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    if (node.isIntegralNumber()) {
      return LuaInteger.valueOf(node.asLong());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    return LuaValue.valueOf(node.asText());
  }
}
