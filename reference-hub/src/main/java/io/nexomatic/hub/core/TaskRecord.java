package io.nexomatic.hub.core;

import io.nexomatic.protocol.v1.AttemptRecord;
import io.nexomatic.protocol.v1.ParameterKind;
import io.nexomatic.protocol.v1.ParameterSpec;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskState;
import java.util.ArrayList;
import java.util.List;

/**
 * A task's mutable state inside the Hub. Only {@link HubCore} touches it, under its lock; the
 * outside world sees {@link #toProto(boolean)} snapshots.
 */
final class TaskRecord {
  static final String MASK = "***";

  final String id;

  /** Enqueue order: FIFO across re-queues (a re-queued task keeps its place). */
  final long seq;

  final Task spec;
  TaskState state = TaskState.QUEUED;
  int attempt = 1;
  int resultCode;
  List<String> messages = List.of();
  String dataJson = "";

  /**
   * The length of the recorded attempt's forwarded log, from its result's LogSummary; -1 when no
   * sink result said (the task ended otherwise, or the Hub restarted since).
   */
  long logForwardedBytes = -1;

  String sinkUuid = "";
  long updatedAt;
  long startedAt;
  long finishedAt;
  boolean cancelRequested;
  String cancelReason = "";
  final List<AttemptRecord.Builder> history = new ArrayList<>();

  /** The session an offer or lease is bound to; null when none is connected. */
  Session session;

  long offerExpiresAt;
  long leaseExpiresAt;

  TaskRecord(String id, long seq, Task spec) {
    this.id = id;
    this.seq = seq;
    this.spec = spec;
    this.updatedAt = spec.getCreatedAtMs();
  }

  String sinkType() {
    return spec.getSinkType();
  }

  String tenant() {
    return spec.getTenantUuid();
  }

  TaskRef ref() {
    return TaskRef.newBuilder().setTaskId(id).setAttempt(attempt).build();
  }

  boolean isTerminal() {
    return state == TaskState.SUCCESS || state == TaskState.WARNING || state == TaskState.ERROR;
  }

  boolean isHeld() {
    return state == TaskState.LEASED || state == TaskState.RUNNING;
  }

  /** Attempts that count toward max attempts: those that started or whose fate is unknown. */
  long countedAttempts() {
    return history.stream()
        .filter(h -> h.getStarted() || h.getOutcome().startsWith(HubCore.LEASE_EXPIRED))
        .count();
  }

  AttemptRecord.Builder currentAttemptRecord() {
    return history.isEmpty() ? null : history.get(history.size() - 1);
  }

  /** A snapshot; with {@code mask}, SECRET parameter values are replaced by "***". */
  Task toProto(boolean mask) {
    Task.Builder b =
        spec.toBuilder()
            .setTaskId(id)
            .setState(state)
            .setAttempt(attempt)
            .setResultCode(resultCode)
            .clearMessages()
            .addAllMessages(messages)
            .setDataJson(dataJson)
            .setSinkUuid(sinkUuid)
            .setUpdatedAtMs(updatedAt)
            .setStartedAtMs(startedAt)
            .setFinishedAtMs(finishedAt)
            .setCancelRequested(cancelRequested)
            .clearHistory();
    history.forEach(h -> b.addHistory(h.build()));
    if (mask) {
      b.clearParameters();
      for (ParameterSpec p : spec.getParametersList()) {
        b.addParameters(
            p.getKind() == ParameterKind.SECRET ? p.toBuilder().setValue(MASK).build() : p);
      }
    }
    return b.build();
  }

  /** Rebuilds a record from its persisted snapshot (unmasked). */
  static TaskRecord fromProto(Task t, long seq) {
    Task spec =
        t.toBuilder()
            .clearState()
            .clearAttempt()
            .clearResultCode()
            .clearMessages()
            .clearDataJson()
            .clearSinkUuid()
            .clearUpdatedAtMs()
            .clearStartedAtMs()
            .clearFinishedAtMs()
            .clearCancelRequested()
            .clearHistory()
            .clearLogBytes()
            .build();
    TaskRecord r = new TaskRecord(t.getTaskId(), seq, spec);
    r.state = t.getState();
    r.attempt = Math.max(1, t.getAttempt());
    r.resultCode = t.getResultCode();
    r.messages = List.copyOf(t.getMessagesList());
    r.dataJson = t.getDataJson();
    r.sinkUuid = t.getSinkUuid();
    r.updatedAt = t.getUpdatedAtMs();
    r.startedAt = t.getStartedAtMs();
    r.finishedAt = t.getFinishedAtMs();
    r.cancelRequested = t.getCancelRequested();
    t.getHistoryList().forEach(h -> r.history.add(h.toBuilder()));
    return r;
  }
}
