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
 * A task's mutable state inside the Hub, guarded by {@link HubCore}'s lock; the outside world sees
 * {@link #toProto(boolean)} snapshots. Where the task is (its state, the session an offer is bound
 * to, the sink holding its lease) changes only through {@link TaskTable}, which keeps its indexes
 * in step with it.
 */
final class TaskRecord {
  static final String MASK = "***";

  /** How an attempt whose fate is unknown ends; such attempts count toward max attempts. */
  static final String LEASE_EXPIRED = "lease expired";

  final String id;

  /** Enqueue order: FIFO across re-queues (a re-queued task keeps its place). */
  final long seq;

  final Task spec;
  private TaskState state;
  int attempt = 1;
  int resultCode;
  List<String> messages = List.of();
  String dataJson = "";

  /**
   * The length of the recorded attempt's forwarded log, from its result's LogSummary; -1 when no
   * sink result said (the task ended otherwise, or the Hub restarted since).
   */
  long logForwardedBytes = -1;

  private String sinkUuid = "";
  long updatedAt;
  long startedAt;
  long finishedAt;
  boolean cancelRequested;
  String cancelReason = "";
  final List<AttemptRecord.Builder> history = new ArrayList<>();

  /** The session an OFFERED task is offered to; null in every other state. */
  private Session offeredTo;

  long offerExpiresAt;
  long leaseExpiresAt;

  /**
   * The snapshot the journal holds, null until the first write: what a failed write puts the task
   * back to, so memory never runs ahead of what a restart would restore.
   */
  Task persisted;

  TaskRecord(String id, long seq, Task spec, TaskState state) {
    this.id = id;
    this.seq = seq;
    this.spec = spec;
    this.state = state;
    this.updatedAt = spec.getCreatedAtMs();
  }

  TaskState state() {
    return state;
  }

  /** The sink holding (or, once ended, last holding) the current attempt; empty when queued. */
  String sinkUuid() {
    return sinkUuid;
  }

  Session offeredTo() {
    return offeredTo;
  }

  /**
   * Only {@link TaskTable#move} calls this, between taking the task out of its indexes and back.
   */
  void place(TaskState state, Session offeredTo, String sinkUuid) {
    this.state = state;
    this.offeredTo = offeredTo;
    this.sinkUuid = sinkUuid;
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
        .filter(h -> h.getStarted() || h.getOutcome().startsWith(LEASE_EXPIRED))
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
    // An offer does not outlive the Hub: its session is gone, so the task is queued again.
    TaskState state = t.getState() == TaskState.OFFERED ? TaskState.QUEUED : t.getState();
    TaskRecord r = new TaskRecord(t.getTaskId(), seq, spec, state);
    r.attempt = Math.max(1, t.getAttempt());
    r.resultCode = t.getResultCode();
    r.messages = List.copyOf(t.getMessagesList());
    r.dataJson = t.getDataJson();
    r.sinkUuid = state == TaskState.QUEUED ? "" : t.getSinkUuid();
    r.updatedAt = t.getUpdatedAtMs();
    r.startedAt = t.getStartedAtMs();
    r.finishedAt = t.getFinishedAtMs();
    r.cancelRequested = t.getCancelRequested();
    t.getHistoryList().forEach(h -> r.history.add(h.toBuilder()));
    r.persisted = t;
    return r;
  }
}
