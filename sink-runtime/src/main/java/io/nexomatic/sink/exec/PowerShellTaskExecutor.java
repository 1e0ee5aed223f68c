package io.nexomatic.sink.exec;

import java.util.List;
import java.util.Map;

/** Runs PowerShell Action modules ({@code LOCAL:PWSH}) through {@code nexomatic_bootstrap.ps1}. */
public final class PowerShellTaskExecutor extends BootstrapTaskExecutor {

  /**
   * A PowerShell executor.
   *
   * @param settings shared task settings; {@code interpreter} is the resolved pwsh executable
   * @param environment the task environment builder
   * @param sinkEnv the sink's environment (for locating setsid, prlimit, kill)
   */
  public PowerShellTaskExecutor(
      ExecutionSettings settings, TaskEnvironment environment, Map<String, String> sinkEnv) {
    super(
        "pwsh",
        BootstrapScripts.POWERSHELL,
        List.of("-NoProfile", "-NonInteractive", "-File"),
        settings,
        environment,
        sinkEnv);
  }
}
