package io.nexomatic.sink.exec;

import io.nexomatic.sink.config.SinkConfig;
import io.nexomatic.sink.config.SinkVariables;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a task's environment from an allowlist, never from the sink's whole environment: the
 * sink's credentials and settings must not reach Action modules (buildkite/agent #897, ARC #2871).
 */
public final class TaskEnvironment {
  /** Variables copied from the sink's environment when present. */
  static final List<String> ALLOWED =
      List.of(
          "PATH",
          "LANG",
          "LC_ALL",
          "LC_CTYPE",
          "TZ",
          "HTTP_PROXY",
          "HTTPS_PROXY",
          "NO_PROXY",
          "http_proxy",
          "https_proxy",
          "no_proxy");

  private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private final Map<String, String> base;
  private final Path modulesPath;

  /**
   * An environment builder.
   *
   * @param sinkEnv the sink's own environment (a map, so tests need not touch the JVM's)
   * @param passthrough extra names to copy from {@code sinkEnv} (TASK_ENV_PASSTHROUGH)
   * @param extra variables to set (from TASK_ENV_&lt;NAME&gt;)
   * @param modulesPath MODULES_PATH
   */
  public TaskEnvironment(
      Map<String, String> sinkEnv,
      List<String> passthrough,
      Map<String, String> extra,
      Path modulesPath) {
    Map<String, String> b = new LinkedHashMap<>();
    for (String name : ALLOWED) {
      String v = sinkEnv.get(name);
      if (v != null) {
        b.put(name, v);
      }
    }
    b.putIfAbsent("PATH", DEFAULT_PATH);
    // Checked again here although config validation rejects them: this class is the last gate.
    for (String name : passthrough) {
      String v = sinkEnv.get(name);
      if (v != null && SinkVariables.forbiddenInTaskEnv(name).isEmpty()) {
        b.put(name, v);
      }
    }
    extra.forEach(
        (name, v) -> {
          if (SinkVariables.forbiddenInTaskEnv(name).isEmpty()) {
            b.put(name, v);
          }
        });
    this.base = Map.copyOf(b);
    this.modulesPath = modulesPath;
  }

  /** The builder for a validated configuration and the sink's environment. */
  public static TaskEnvironment from(SinkConfig config, Map<String, String> sinkEnv) {
    Map<String, String> extra = new LinkedHashMap<>();
    config.taskEnvExtra().forEach((k, v) -> extra.put(k, v.reveal()));
    return new TaskEnvironment(sinkEnv, config.taskEnvPassthrough(), extra, config.modulesPath());
  }

  /** The complete environment of one task; the sink's own entries cannot be overridden. */
  public Map<String, String> forTask(TaskSpec spec, Path taskDir, Path resultFile) {
    Map<String, String> env = new LinkedHashMap<>(base);
    env.put("HOME", taskDir.toString());
    env.put("TMPDIR", taskDir.toString());
    env.put("PYTHONIOENCODING", "utf-8");
    env.put("PYTHONUNBUFFERED", "1");
    env.put("NEXOMATIC_RESULT_FILE", resultFile.toString());
    env.put("NEXOMATIC_TASK_ID", spec.taskId());
    env.put("NEXOMATIC_ATTEMPT", Integer.toString(spec.attempt()));
    env.put("NEXOMATIC_MODULES_PATH", modulesPath.toString());
    return env;
  }
}
