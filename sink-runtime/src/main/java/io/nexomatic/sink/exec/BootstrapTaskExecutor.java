package io.nexomatic.sink.exec;

import io.nexomatic.sink.log.LogSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An executor that runs each task as one interpreter process on one of the {@link
 * BootstrapScripts}; the subclasses say only which script and which interpreter options.
 */
abstract class BootstrapTaskExecutor implements TaskExecutor {
  private final BootstrapScripts scripts;
  private final SubprocessTaskRunner runner;

  /**
   * Extracts the bootstrap scripts and prepares the runner.
   *
   * @param name the interpreter's short name, as the runner's logs and errors call it
   * @param script the bootstrap to run, one of the {@link BootstrapScripts} names
   * @param flags the interpreter's options, put between the interpreter and the script
   * @param settings shared task settings; {@code interpreter} is the resolved executable
   * @param environment the task environment builder
   * @param sinkEnv the sink's environment (for locating setsid, prlimit, kill)
   */
  BootstrapTaskExecutor(
      String name,
      String script,
      List<String> flags,
      ExecutionSettings settings,
      TaskEnvironment environment,
      Map<String, String> sinkEnv) {
    this.scripts = BootstrapScripts.extract();
    List<String> command = new ArrayList<>();
    command.add(settings.interpreter().toString());
    command.addAll(flags);
    command.add(scripts.path(script).toString());
    this.runner = new SubprocessTaskRunner(name, command, settings, environment, sinkEnv);
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
