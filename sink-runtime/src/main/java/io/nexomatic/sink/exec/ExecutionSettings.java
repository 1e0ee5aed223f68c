package io.nexomatic.sink.exec;

import io.nexomatic.sink.config.SinkConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings every task of an executor shares.
 *
 * @param interpreter the resolved interpreter executable
 * @param workDir parent of the per-task working directories (created when missing)
 * @param modulesPath where the Action modules live
 * @param defaultTimeout TASK_TIMEOUT, for tasks without their own
 * @param killGrace time between TERM and KILL of a task's process group
 * @param maxLogBytes MAX_LOG_BYTES
 * @param maxTaskProcesses RLIMIT_NPROC for tasks (via prlimit); 0 disables
 */
public record ExecutionSettings(
    Path interpreter,
    Path workDir,
    Path modulesPath,
    Duration defaultTimeout,
    Duration killGrace,
    long maxLogBytes,
    int maxTaskProcesses) {

  /** The settings from a validated configuration. */
  public static ExecutionSettings from(SinkConfig config) {
    return new ExecutionSettings(
        config.interpreter(),
        config.workDir(),
        config.modulesPath(),
        config.taskTimeout(),
        config.killGrace(),
        config.maxLogBytes(),
        config.maxTaskProcesses());
  }
}
