package io.nexomatic.sink.exec;

import io.nexomatic.sink.log.LogSink;

/** Runs Action modules, one process group per task. */
public interface TaskExecutor extends AutoCloseable {
  /**
   * Starts one attempt. Never throws for a task-level problem (bad payload, unstartable
   * interpreter): the returned task then ends at once with an ERROR outcome explaining it, and the
   * explanation is also written to its log.
   */
  RunningTask start(TaskSpec spec, LogSink logSink);

  /** Force-kills whatever still runs and releases the executor's threads and files. */
  @Override
  void close();
}
