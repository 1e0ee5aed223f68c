package io.nexomatic.sink.exec;

import io.nexomatic.sink.log.LogSink;
import java.util.List;
import java.util.Map;

/** Runs PowerShell Action modules ({@code LOCAL:PWSH}) through {@code nexomatic_bootstrap.ps1}. */
public final class PowerShellTaskExecutor implements TaskExecutor {
  private final BootstrapScripts scripts;
  private final SubprocessTaskRunner runner;

  /**
   * A PowerShell executor.
   *
   * @param settings shared task settings; {@code interpreter} is the resolved pwsh executable
   * @param environment the task environment builder
   * @param sinkEnv the sink's environment (for locating setsid, prlimit, kill)
   */
  public PowerShellTaskExecutor(
      ExecutionSettings settings, TaskEnvironment environment, Map<String, String> sinkEnv) {
    this.scripts = BootstrapScripts.extract();
    List<String> command =
        List.of(
            settings.interpreter().toString(),
            "-NoProfile",
            "-NonInteractive",
            "-File",
            scripts.path(BootstrapScripts.POWERSHELL).toString());
    this.runner = new SubprocessTaskRunner("pwsh", command, settings, environment, sinkEnv);
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
