package io.nexomatic.sink.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged sink ({@code target/nexomatic-sink.jar}) as a real child process, configured only
 * through its environment, with its output kept in a file for the test's failure messages.
 */
public final class SinkProcess implements AutoCloseable {
  private static final Path JAR = Path.of("target", "nexomatic-sink.jar");

  private final Process process;
  private final Path output;
  private final Path readyFile;

  private SinkProcess(Process process, Path output, Path readyFile) {
    this.process = process;
    this.output = output;
    this.readyFile = readyFile;
  }

  /**
   * Starts a sink of type LOCAL:BASE against {@code 127.0.0.1:hubPort}, running Python modules from
   * {@code env.modules}; {@code extra} adds or overrides variables.
   */
  public static SinkProcess start(
      String name, int hubPort, String clientSecret, PythonEnv env, Map<String, String> extra)
      throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the package phase");
    }
    Path dir = env.root.resolve(name);
    Files.createDirectories(dir);
    Map<String, String> vars = new HashMap<>();
    vars.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    vars.put("LANG", "C.UTF-8");
    vars.put("HUB_HOST", "127.0.0.1");
    vars.put("HUB_PORT", Integer.toString(hubPort));
    vars.put("CLIENT_ID", "LOCAL:BASE");
    vars.put("CLIENT_SECRET", clientSecret);
    vars.put("MODULES_PATH", env.modules.toString());
    vars.put("WORK_DIR", dir.resolve("work").toString());
    vars.put("PYTHON_INTERPRETER", PythonEnv.python().toString());
    vars.put("READINESS_FILE", dir.resolve("ready").toString());
    vars.put("LIVENESS_FILE", dir.resolve("alive").toString());
    vars.put("LOG_FORMAT", "json");
    vars.put("POD_NAME", name);
    vars.putAll(extra);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(List.of(java, "-Xmx128m", "-jar", JAR.toAbsolutePath().toString()));
    pb.environment().clear();
    pb.environment().putAll(vars);
    Path output = dir.resolve("sink.log");
    pb.redirectErrorStream(true).redirectOutput(output.toFile());
    return new SinkProcess(pb.start(), output, dir.resolve("ready"));
  }

  /** The sink's own pid. */
  public long pid() {
    return process.pid();
  }

  /** The readiness file the sink keeps fresh while its session is up. */
  public Path readyFile() {
    return readyFile;
  }

  /** SIGTERM: the pod is being deleted. */
  public void sigterm() {
    process.destroy();
  }

  /** SIGKILL: the node died or the OOM killer struck. */
  public void sigkill() {
    process.destroyForcibly();
  }

  /** The exit code, or null when it has not exited within {@code wait}. */
  public Integer awaitExit(Duration wait) throws InterruptedException {
    return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the sink printed so far (its JSON log lines). */
  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
