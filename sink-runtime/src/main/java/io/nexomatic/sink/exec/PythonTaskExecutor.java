package io.nexomatic.sink.exec;

import java.util.List;
import java.util.Map;

/** Runs Python Action modules ({@code LOCAL:BASE}) through {@code nexomatic_bootstrap.py}. */
public final class PythonTaskExecutor extends BootstrapTaskExecutor {

  /**
   * A Python executor.
   *
   * @param settings shared task settings; {@code interpreter} is the resolved python executable
   * @param environment the task environment builder
   * @param sinkEnv the sink's environment (for locating setsid, prlimit, kill)
   */
  public PythonTaskExecutor(
      ExecutionSettings settings, TaskEnvironment environment, Map<String, String> sinkEnv) {
    // -u: unbuffered, so output reaches the log as it is produced, not at exit.
    super("python", BootstrapScripts.PYTHON, List.of("-u"), settings, environment, sinkEnv);
  }
}
