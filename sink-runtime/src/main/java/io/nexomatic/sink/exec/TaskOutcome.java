package io.nexomatic.sink.exec;

import io.nexomatic.protocol.TaskStates;
import io.nexomatic.protocol.v1.LogSummary;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.log.LogStats;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How one attempt ended.
 *
 * @param state SUCCESS, WARNING or ERROR
 * @param resultCode the module's exit code (0 for success)
 * @param messages result messages in order: warnings, the error text, returned strings
 * @param dataJson the module's returned data as JSON; empty when none
 * @param startedAt when the process started
 * @param finishedAt when the outcome was determined
 * @param log output accounting
 * @param interrupted true when the sink stopped the task (cancel, force kill), not the module
 */
public record TaskOutcome(
    TaskState state,
    int resultCode,
    List<String> messages,
    String dataJson,
    Instant startedAt,
    Instant finishedAt,
    LogStats log,
    boolean interrupted) {

  /** Validates and copies the fields. */
  public TaskOutcome {
    Objects.requireNonNull(state, "state");
    if (!TaskStates.isTerminal(state)) {
      throw new IllegalArgumentException("an outcome is SUCCESS, WARNING or ERROR, not " + state);
    }
    messages = List.copyOf(messages);
    dataJson = dataJson == null ? "" : dataJson;
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(log, "log");
  }

  /**
   * An ERROR the sink decided rather than the module (a stop, a timeout, a missing result), with
   * one message and no data.
   */
  static TaskOutcome sinkError(
      int resultCode,
      String message,
      Instant startedAt,
      Instant finishedAt,
      LogStats log,
      boolean interrupted) {
    return new TaskOutcome(
        TaskState.ERROR, resultCode, List.of(message), "", startedAt, finishedAt, log, interrupted);
  }

  /** An attempt the Hub cancelled before it started: an interrupted ERROR with no output. */
  public static TaskOutcome cancelledBeforeStart(String reason, Instant at) {
    return sinkError(-1, "cancelled: " + reason, at, at, new LogStats(0, 0, 0), true);
  }

  /** The protocol result for this outcome, for the given task attempt. */
  public TaskResult toResult(String taskId, int attempt) {
    return TaskResult.newBuilder()
        .setTask(
            io.nexomatic.protocol.v1.TaskRef.newBuilder().setTaskId(taskId).setAttempt(attempt))
        .setState(state)
        .setResultCode(resultCode)
        .addAllMessages(messages)
        .setDataJson(dataJson)
        .setStartedAtMs(startedAt.toEpochMilli())
        .setFinishedAtMs(finishedAt.toEpochMilli())
        .setLog(
            LogSummary.newBuilder()
                .setProducedBytes(log.producedBytes())
                .setForwardedBytes(log.forwardedBytes())
                .setDroppedBytes(log.droppedBytes()))
        .build();
  }
}
