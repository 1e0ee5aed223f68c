package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What can be checked of the images by reading their Dockerfiles: the stages and targets, a numeric
 * non-root USER, tini as PID 1 in exec form, a trimmed runtime (not a JDK), OCI labels, a
 * read-only-root friendly layout (nothing written outside /tmp), and nothing secret baked in.
 * {@code ImagesIT} builds and runs them.
 */
class DockerfilesTest {

  /** One stage: its FROM line and its instructions (continuation lines joined). */
  record Stage(String name, String from, List<String> instructions) {
    List<String> all(String keyword) {
      return instructions.stream()
          .filter(i -> i.toUpperCase(Locale.ROOT).startsWith(keyword + " "))
          .map(i -> i.substring(keyword.length() + 1).trim())
          .toList();
    }
  }

  static Map<String, Stage> stages(String file) {
    var stages = new LinkedHashMap<String, Stage>();
    Stage current = null;
    var joined = new StringBuilder();
    for (String raw : Repo.read(Repo.ROOT.resolve(file)).split("\n")) {
      String line = raw.strip();
      if (joined.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        joined.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      joined.append(line);
      String instruction = joined.toString().replaceAll("\\s+", " ").trim();
      joined.setLength(0);
      if (instruction.toUpperCase(Locale.ROOT).startsWith("FROM ")) {
        var m = Pattern.compile("(?i)FROM (\\S+)(?: AS (\\S+))?").matcher(instruction);
        assertThat(m.find()).isTrue();
        String name = m.group(2) != null ? m.group(2) : "stage" + stages.size();
        current = new Stage(name, m.group(1), new ArrayList<>());
        stages.put(name, current);
      } else if (current != null) {
        current.instructions().add(instruction);
      }
    }
    return stages;
  }

  @ParameterizedTest(name = "{0} target {1}")
  @CsvSource({
    "Dockerfile.sink, python, nexomatic-sink-local",
    "Dockerfile.sink, pwsh, nexomatic-sink-powershell-local",
    "Dockerfile.operator, runtime, nexomatic-operator",
    "Dockerfile.hub, runtime, nexomatic-hub"
  })
  void theRuntimeStageIsHardened(String file, String target, String title) {
    Map<String, Stage> stages = stages(file);
    assertThat(stages).containsKey("build").containsKey(target);
    Stage build = stages.get("build");
    assertThat(build.from()).isEqualTo("${BUILD_IMAGE}");
    assertThat(Repo.read(Repo.ROOT.resolve(file)))
        .contains("ARG BUILD_IMAGE=eclipse-temurin:17-jdk");
    // The Maven stage keeps its dependency cache between builds.
    assertThat(String.join("\n", build.all("RUN"))).contains("--mount=type=cache");
    assertThat(String.join("\n", build.all("RUN"))).contains("./mvnw -B").contains("package");

    Stage stage = stages.get(target);
    // Last USER is numeric uid:gid and not root.
    List<String> users = stage.all("USER");
    assertThat(users).as("USER in %s", target).isNotEmpty();
    assertThat(users.get(users.size() - 1))
        .matches("[1-9][0-9]*(:[1-9][0-9]*)?")
        .startsWith("10001");
    // tini is PID 1, exec form, running java.
    List<String> entrypoints = stage.all("ENTRYPOINT");
    assertThat(entrypoints).hasSize(1);
    assertThat(entrypoints.get(0))
        .startsWith("[\"/usr/bin/tini\"")
        .contains("\"java\"")
        .contains("\"-jar\"");
    assertThat(String.join("\n", stage.all("RUN"))).contains("tini");
    // A trimmed runtime, not a JDK: the build stage's jlink output (scripts/jlink-jre.sh).
    assertThat(stage.all("COPY")).contains("--from=build /opt/java/openjdk /opt/java/openjdk");
    assertThat(String.join("\n", stages.get("build").all("RUN")))
        .contains("scripts/jlink-jre.sh /opt/java/openjdk");
    // Base images are build arguments whose defaults are the public images.
    assertThat(stage.from()).startsWith("${").endsWith("_IMAGE}");
    // The jar comes from the build stage, owned by root (read-only to the runtime uid).
    assertThat(stage.all("COPY")).anyMatch(c -> c.startsWith("--from=build --chown=0:0 "));
    // OCI labels.
    String labels = String.join(" ", stage.all("LABEL"));
    for (String key :
        List.of("title", "description", "version", "revision", "created", "licenses")) {
      assertThat(labels).contains("org.opencontainers.image." + key + "=");
    }
    assertThat(labels).contains("org.opencontainers.image.title=\"" + title + "\"");
    // Read-only root friendly: the working directory and every state path are under /tmp.
    assertThat(stage.all("WORKDIR")).containsExactly("/tmp");
    for (String env : stage.all("ENV")) {
      var paths = Pattern.compile("(?:WORK_DIR|READINESS_FILE|LIVENESS_FILE)=(\\S+)").matcher(env);
      while (paths.find()) {
        assertThat(paths.group(1)).startsWith("/tmp/");
      }
    }
    // Only the Hub keeps state, in its one volume.
    assertThat(stage.all("VOLUME"))
        .isEqualTo(title.equals("nexomatic-hub") ? List.of("/var/lib/nexomatic-hub") : List.of());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"Dockerfile.sink", "Dockerfile.operator", "Dockerfile.hub"})
  void nothingSecretIsBakedIn(String file) {
    for (Stage stage : stages(file).values()) {
      for (String keyword : List.of("ENV", "ARG", "LABEL")) {
        for (String value : stage.all(keyword)) {
          assertThat(value.toUpperCase(Locale.ROOT))
              .as("%s %s in %s stage %s", keyword, value, file, stage.name())
              .doesNotContain("SECRET")
              .doesNotContain("PASSWORD")
              .doesNotContain("TOKEN")
              .doesNotContain("KUBECONFIG");
        }
      }
      for (String copy : stage.all("COPY")) {
        assertThat(copy)
            .doesNotContain(".env")
            .doesNotContain("credentials")
            .doesNotContain(".kube");
      }
    }
  }

  @Test
  void theSinkTargetsCarryTheirInterpreters() {
    Map<String, Stage> stages = stages("Dockerfile.sink");
    assertThat(stages.get("python").from()).isEqualTo("${PYTHON_IMAGE}");
    assertThat(Repo.read(Repo.ROOT.resolve("Dockerfile.sink")))
        .contains("ARG PYTHON_IMAGE=python:3.12-slim-bookworm")
        .contains("ARG BUILD_IMAGE=eclipse-temurin:17-jdk")
        .contains("ARG RUNTIME_IMAGE=debian:bookworm-slim");
    assertThat(String.join(" ", stages.get("python").all("ENV"))).contains("CLIENT_ID=LOCAL:BASE");
    assertThat(String.join(" ", stages.get("pwsh").all("RUN")))
        .contains("powershell-${PWSH_VERSION}-linux");
    assertThat(Repo.read(Repo.ROOT.resolve("Dockerfile.sink")))
        .containsPattern("ARG PWSH_VERSION=7\\.");
    assertThat(String.join(" ", stages.get("pwsh").all("ENV")))
        .contains("CLIENT_ID=LOCAL:PWSH")
        .contains("PWSH_INTERPRETER=");
    // setsid/prlimit (task process groups) and find (the operator's exec probes) are installed.
    for (String target : List.of("python", "pwsh")) {
      assertThat(String.join(" ", stages.get(target).all("RUN")))
          .contains("util-linux")
          .contains("findutils");
      assertThat(stages.get(target).all("ENTRYPOINT").get(0))
          .contains("/opt/nexomatic/nexomatic-sink.jar");
      // What holds the container's environment is exec-only, so tasks cannot read its /proc.
      assertThat(String.join(" ", stages.get(target).all("RUN")))
          .contains("chmod 0711 /usr/bin/tini /opt/java/openjdk/bin/java");
    }
  }
}
