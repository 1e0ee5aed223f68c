package io.nexomatic.sink.exec;

import io.nexomatic.sink.config.SinkConfig;
import java.util.Map;

/** Chooses the executor for the Sink Type the sink serves. */
public final class TaskExecutors {
  private TaskExecutors() {}

  /** The executor for {@code config}; {@code sinkEnv} is the sink's own environment. */
  public static TaskExecutor forConfig(SinkConfig config, Map<String, String> sinkEnv) {
    ExecutionSettings settings = ExecutionSettings.from(config);
    TaskEnvironment environment = TaskEnvironment.from(config, sinkEnv);
    return switch (config.executorKind()) {
      case PYTHON -> new PythonTaskExecutor(settings, environment, sinkEnv);
      case POWERSHELL -> new PowerShellTaskExecutor(settings, environment, sinkEnv);
    };
  }
}
