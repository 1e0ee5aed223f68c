package io.nexomatic.sink.exec;

import io.nexomatic.sink.log.LogSink;
import java.util.List;
import java.util.Map;

/** Runs Python Action modules ({@code LOCAL:BASE}) through {@code nexomatic_bootstrap.py}. */
public final class PythonTaskExecutor implements TaskExecutor {
  private final BootstrapScripts scripts;
  private final SubprocessTaskRunner runner;

  /**
   * A Python executor.
   *
   * @param settings shared task settings; {@code interpreter} is the resolved python executable
   * @param environment the task environment builder
   * @param sinkEnv the sink's environment (for locating setsid, prlimit, kill)
   */
  public PythonTaskExecutor(
      ExecutionSettings settings, TaskEnvironment environment, Map<String, String> sinkEnv) {
    this.scripts = BootstrapScripts.extract();
    // -u: unbuffered, so output reaches the log as it is produced, not at exit.
    List<String> command =
        List.of(
            settings.interpreter().toString(),
            "-u",
            scripts.path(BootstrapScripts.PYTHON).toString());
    this.runner = new SubprocessTaskRunner("python", command, settings, environment, sinkEnv);
  }

  @Override
  public RunningTask start(TaskSpec spec, LogSink logSink) {
    return runner.start(spec, logSink);
  }

  @Override
  public void close() {
    runner.close();
    scripts.close();
  }
}
