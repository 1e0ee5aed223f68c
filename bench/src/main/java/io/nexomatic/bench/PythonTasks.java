package io.nexomatic.bench;

import io.nexomatic.sink.exec.BootstrapScripts;
import io.nexomatic.sink.exec.ExecutionSettings;
import io.nexomatic.sink.exec.PythonTaskExecutor;
import io.nexomatic.sink.exec.TaskEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Python Action modules for benchmarks in a temporary directory, run two ways: through the sink's
 * {@link PythonTaskExecutor}, or by spawning the same bootstrap bare (no process group, no limits,
 * no log pipeline) with the same stdin document, which is the baseline.
 */
final class PythonTasks implements AutoCloseable {
  final Path dir;
  final Path modules;
  final Path python;
  final Map<String, String> sinkEnv =
      Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "LANG", "C.UTF-8");
  private final BootstrapScripts scripts = BootstrapScripts.extract();

  /** A module directory holding the package {@code bench} with {@code sources} (name to code). */
  PythonTasks(Map<String, String> sources) throws IOException {
    dir = Files.createTempDirectory("nexomatic-python-bench-");
    modules = dir.resolve("modules");
    Files.createDirectories(modules.resolve("bench"));
    Files.writeString(modules.resolve("bench/__init__.py"), "");
    for (var e : sources.entrySet()) {
      Files.writeString(modules.resolve("bench/" + e.getKey() + ".py"), e.getValue());
    }
    python = python();
  }

  /** The sink's executor over these modules; {@code maxTaskProcesses} 0 drops the prlimit exec. */
  PythonTaskExecutor executor(String workDirName, long maxLogBytes, int maxTaskProcesses) {
    return new PythonTaskExecutor(
        new ExecutionSettings(
            python,
            dir.resolve(workDirName),
            modules,
            Duration.ofMinutes(1),
            Duration.ofSeconds(2),
            maxLogBytes,
            maxTaskProcesses),
        new TaskEnvironment(sinkEnv, List.of(), Map.of(), modules),
        sinkEnv);
  }

  /** A bare bootstrap process running {@code module} with its stdin document already written. */
  Process startBare(String taskId, String module, String payloadJson) throws IOException {
    var pb =
        new ProcessBuilder(
            python.toString(), "-u", scripts.path(BootstrapScripts.PYTHON).toString());
    pb.environment().clear();
    pb.environment().putAll(sinkEnv);
    pb.environment().put("NEXOMATIC_RESULT_FILE", resultFile(taskId).toString());
    pb.environment().put("NEXOMATIC_MODULES_PATH", modules.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream()
        .write(
            ("{\"task_id\": \""
                    + taskId
                    + "\", \"attempt\": 1, \"module\": \""
                    + module
                    + "\", \"payload\": "
                    + payloadJson
                    + ", \"params\": {}}")
                .getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    return p;
  }

  /** Waits for a bare process whose output was read to the end; fails unless it succeeded. */
  void finishBare(Process p, String taskId) throws Exception {
    Path result = resultFile(taskId);
    if (p.waitFor() != 0 || !Files.readString(result).contains("SUCCESS")) {
      throw new IllegalStateException("bare bootstrap run of " + taskId + " failed");
    }
    Files.delete(result);
  }

  private Path resultFile(String taskId) {
    return dir.resolve("result-" + taskId + ".json");
  }

  private static Path python() throws IOException {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d, "python3");
      if (Files.isExecutable(p)) {
        return p.toRealPath();
      }
    }
    throw new IOException("python3 is not on the PATH");
  }

  @Override
  public void close() throws IOException {
    scripts.close();
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
