package io.nexomatic.sink.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskEnvironmentTest {
  private static final TaskSpec SPEC = new TaskSpec("t-7", 3, "m", "{}", List.of(), Duration.ZERO);

  @Test
  void onlyAllowlistedPassthroughAndTaskEnvVariablesAreCopied() {
    Map<String, String> sink =
        Map.of(
            "PATH", "/usr/bin",
            "LANG", "C.UTF-8",
            "https_proxy", "http://proxy:3128",
            "CLIENT_SECRET", "cs",
            "TENANT_SECRET_FILE", "/secrets/t",
            "AZURE_CLIENT_ID", "az",
            "GITHUB_TOKEN", "gh",
            "REGION", "eu",
            "UNLISTED", "u");
    TaskEnvironment env =
        new TaskEnvironment(
            sink,
            List.of("REGION", "CLIENT_SECRET", "GITHUB_TOKEN"),
            Map.of("GREETING", "hi", "AZURE_TENANT_ID", "x"),
            Path.of("/modules"));
    Map<String, String> task =
        env.forTask(SPEC, Path.of("/work/t-7"), Path.of("/work/t-7/.r.json"));
    assertThat(task)
        .containsEntry("PATH", "/usr/bin")
        .containsEntry("LANG", "C.UTF-8")
        .containsEntry("https_proxy", "http://proxy:3128")
        .containsEntry("REGION", "eu")
        .containsEntry("GREETING", "hi")
        .containsEntry("HOME", "/work/t-7")
        .containsEntry("TMPDIR", "/work/t-7")
        .containsEntry("PYTHONIOENCODING", "utf-8")
        .containsEntry("PYTHONUNBUFFERED", "1")
        .containsEntry("NEXOMATIC_RESULT_FILE", "/work/t-7/.r.json")
        .containsEntry("NEXOMATIC_TASK_ID", "t-7")
        .containsEntry("NEXOMATIC_ATTEMPT", "3")
        .containsEntry("NEXOMATIC_MODULES_PATH", "/modules")
        .doesNotContainKeys(
            "CLIENT_SECRET",
            "TENANT_SECRET_FILE",
            "AZURE_CLIENT_ID",
            "AZURE_TENANT_ID",
            "GITHUB_TOKEN",
            "UNLISTED");
  }

  @Test
  void taskEnvCannotOverrideWhatTheSinkSetsPerTask() {
    TaskEnvironment env =
        new TaskEnvironment(Map.of(), List.of(), Map.of("HOME", "/elsewhere"), Path.of("/modules"));
    Map<String, String> task = env.forTask(SPEC, Path.of("/work/x"), Path.of("/work/x/r"));
    assertThat(task).containsEntry("HOME", "/work/x").containsKey("PATH");
  }
}
