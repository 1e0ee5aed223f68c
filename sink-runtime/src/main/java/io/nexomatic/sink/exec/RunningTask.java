package io.nexomatic.sink.exec;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** A started attempt: its eventual outcome and the ways to stop it. */
public interface RunningTask {
  /** What is running. */
  TaskSpec spec();

  /** When the task's process started. */
  Instant startedAt();

  /**
   * Completes once the process has ended, its log has been forwarded up to the EOF chunk and its
   * working directory removed; never completes exceptionally.
   */
  CompletableFuture<TaskOutcome> outcome();

  /**
   * Stops the task: TERM to its whole process group, KILL_GRACE, then KILL. The outcome is ERROR
   * with the message "cancelled: {@code reason}" and {@code interrupted} set. No-op once ended.
   */
  void cancel(String reason);

  /** Kills the task's whole process group at once (sink force kill); {@code interrupted} set. */
  void forceKill();

  /** True until the outcome is complete. */
  default boolean isRunning() {
    return !outcome().isDone();
  }

  /**
   * The most task output the sink held in memory at once for this task (tail ring buffer, chunk
   * buffer, secret-mask carry); bounded independently of how much the task writes.
   */
  long peakRetainedLogBytes();

  /** An attempt that had already ended when it was returned: stopping it is a no-op. */
  static RunningTask ended(TaskSpec spec, TaskOutcome outcome, long peakRetainedLogBytes) {
    CompletableFuture<TaskOutcome> done = CompletableFuture.completedFuture(outcome);
    return new RunningTask() {
      @Override
      public TaskSpec spec() {
        return spec;
      }

      @Override
      public Instant startedAt() {
        return outcome.startedAt();
      }

      @Override
      public CompletableFuture<TaskOutcome> outcome() {
        return done;
      }

      @Override
      public void cancel(String reason) {}

      @Override
      public void forceKill() {}

      @Override
      public long peakRetainedLogBytes() {
        return peakRetainedLogBytes;
      }
    };
  }
}
