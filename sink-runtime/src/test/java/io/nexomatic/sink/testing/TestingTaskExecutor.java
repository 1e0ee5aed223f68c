package io.nexomatic.sink.testing;

import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.exec.RunningTask;
import io.nexomatic.sink.exec.TaskExecutor;
import io.nexomatic.sink.exec.TaskOutcome;
import io.nexomatic.sink.exec.TaskSpec;
import io.nexomatic.sink.log.LogSink;
import io.nexomatic.sink.log.LogStats;
import io.nexomatic.sink.log.OutputChunk;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** An executor whose tasks end when the test says so; records every start. */
public final class TestingTaskExecutor implements TaskExecutor {
  /** Every started attempt, in start order. */
  public final List<ControlledTask> started = new CopyOnWriteArrayList<>();

  /** When set, tasks complete at once with SUCCESS. */
  public volatile boolean autoComplete;

  /** One started attempt under the test's control. */
  public static final class ControlledTask implements RunningTask {
    private final TaskSpec spec;
    private final LogSink logs;
    private final Instant startedAt = Instant.now();
    private final CompletableFuture<TaskOutcome> outcome = new CompletableFuture<>();
    private long offset;
    public volatile String cancelledWith;
    public volatile boolean forceKilled;

    ControlledTask(TaskSpec spec, LogSink logs) {
      this.spec = spec;
      this.logs = logs;
    }

    /** Writes output to the task's log. */
    public synchronized void print(String text) {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      logs.accept(new OutputChunk(spec.taskId(), spec.attempt(), offset, b, false));
      offset += b.length;
    }

    /** Ends the task with an outcome (no-op once ended). */
    public synchronized void complete(TaskState state, int code, String... messages) {
      if (outcome.isDone()) {
        return;
      }
      logs.accept(new OutputChunk(spec.taskId(), spec.attempt(), offset, new byte[0], true));
      outcome.complete(
          new TaskOutcome(
              state,
              code,
              List.of(messages),
              "",
              startedAt,
              Instant.now(),
              new LogStats(offset, offset, 0),
              cancelledWith != null || forceKilled));
    }

    @Override
    public TaskSpec spec() {
      return spec;
    }

    @Override
    public Instant startedAt() {
      return startedAt;
    }

    @Override
    public CompletableFuture<TaskOutcome> outcome() {
      return outcome;
    }

    @Override
    public void cancel(String reason) {
      cancelledWith = reason;
      complete(TaskState.ERROR, -15, "cancelled: " + reason);
    }

    @Override
    public void forceKill() {
      forceKilled = true;
      complete(TaskState.ERROR, -9, "killed");
    }

    @Override
    public long peakRetainedLogBytes() {
      return 0;
    }
  }

  @Override
  public RunningTask start(TaskSpec spec, LogSink logSink) {
    ControlledTask t = new ControlledTask(spec, logSink);
    started.add(t);
    if (autoComplete) {
      t.print("ran " + spec.taskId() + "\n");
      t.complete(TaskState.SUCCESS, 0, "ok");
    }
    return t;
  }

  /** How many attempts of the task this executor started. */
  public long startsOf(String taskId) {
    return started.stream().filter(t -> t.spec().taskId().equals(taskId)).count();
  }

  @Override
  public void close() {}
}
