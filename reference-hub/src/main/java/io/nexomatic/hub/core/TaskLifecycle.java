package io.nexomatic.hub.core;

import io.grpc.Status;
import io.grpc.StatusException;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.store.JournalWriteException;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.tracing.TaskTracing;
import io.nexomatic.protocol.tracing.TraceContexts;
import io.nexomatic.protocol.v1.AttemptRecord;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.protocol.v1.TraceContext;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's way through its attempts: submitted, offered, leased, started, re-queued with attempt +
 * 1 (fencing the old one) or finished; each step writes the journal before anything is
 * acknowledged, and a step whose write fails is undone (the task goes back to its stored snapshot)
 * before the {@link JournalWriteException} travels on. Guarded by {@link HubCore}'s lock.
 */
final class TaskLifecycle {
  /** The result code of a task the Hub ended itself (cancelled, gave up, backstop). */
  static final int HUB_ENDED_RESULT_CODE = -1;

  private static final Logger log = LoggerFactory.getLogger(TaskLifecycle.class);

  private final HubConfig config;
  private final TaskJournal journal;
  private final TaskTable table;
  private final SessionRegistry registry;
  private final Outbox outbox;
  private final SubmitValidator validator;
  private final JournalHealth health;
  private final TaskTracing tracing;

  TaskLifecycle(
      HubConfig config,
      TaskJournal journal,
      JournalHealth health,
      TaskTable table,
      SessionRegistry registry,
      Outbox outbox,
      TaskTracing tracing) {
    this.config = config;
    this.tracing = tracing;
    this.journal = journal;
    this.health = health;
    this.table = table;
    this.registry = registry;
    this.outbox = outbox;
    this.validator = new SubmitValidator(config.maxPayloadBytes());
  }

  long now() {
    return config.clock().millis();
  }

  /** Enqueues a task; idempotent per client_request_id. */
  TaskRecord submit(SubmitTaskRequest request) throws StatusException {
    if (!request.getClientRequestId().isEmpty()) {
      TaskRecord existing = table.byClientRequestId(request.getClientRequestId());
      if (existing != null) {
        return existing;
      }
    }
    String payload = validator.validate(request);
    if (table.queuedCount() >= config.maxQueued()) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "queue full: "
                  + table.queuedCount()
                  + " tasks are queued (the Hub's limit); retry later or raise --max-queued")
          .asException();
    }
    String id = UUID.randomUUID().toString();
    // The submit span comes first because the task keeps its context from the start: a task whose
    // journal write then fails leaves a submit span without a task, and the submitter retries.
    TraceContext trace = tracing.submitted(request.getTraceContext(), id, request.getSinkType());
    Task.Builder spec =
        Task.newBuilder()
            .setSinkType(request.getSinkType())
            .setTenantUuid(request.getTenantUuid())
            .setEventType(request.getEventType())
            .setPayloadJson(payload)
            .addAllParameters(request.getParametersList())
            .setModule(request.getModule())
            .setTimeoutSeconds(request.getTimeoutSeconds())
            .setMaxAttempts(
                request.getMaxAttempts() == 0
                    ? config.defaultMaxAttempts()
                    : request.getMaxAttempts())
            .setClientRequestId(request.getClientRequestId())
            .setCreatedAtMs(now());
    if (TraceContexts.isPresent(trace)) {
      spec.setTraceContext(trace); // absent rather than empty in what admins read when untraced
    }
    TaskRecord t = table.add(id, spec.build());
    persist(t);
    return t;
  }

  /** Offers a queued task to a session, against one of its credits. */
  void offer(Session s, TaskRecord t) {
    long now = now();
    table.move(t, TaskState.OFFERED, s, "");
    t.offerExpiresAt = now + config.offerTimeout().toMillis();
    t.updatedAt = now;
    s.credits--;
    outbox.offer(s, t, tracing.offered(t.spec.getTraceContext(), t.id, t.attempt, s.sink.uuid));
  }

  /** An offer was declined, expired or withdrawn: the task goes back to its place in the queue. */
  void returnOffer(TaskRecord t) {
    table.queue(t);
    t.updatedAt = now();
  }

  /** Returns every offer a session has open. */
  void returnOffers(Session s) {
    table.offeredTo(s).forEach(this::returnOffer);
  }

  /** The sink accepted an offer ({@code accept}: its accept span): the attempt is leased to it. */
  void lease(Session s, TaskRecord t, TraceContext accept) {
    long now = now();
    table.move(t, TaskState.LEASED, null, s.sink.uuid);
    t.leaseExpiresAt = now + config.leaseTtl().toMillis();
    t.updatedAt = now;
    t.history.add(
        AttemptRecord.newBuilder()
            .setAttempt(t.attempt)
            .setSinkUuid(s.sink.uuid)
            .setLeasedAtMs(now));
    persist(t);
    tracing.leased(accept, t.spec.getTraceContext(), t.id, t.attempt, s.sink.uuid);
    outbox.leaseGranted(s, t.ref(), t.leaseExpiresAt);
  }

  /** The sink started running a leased attempt. */
  void start(TaskRecord t, long startedAtMs) {
    table.move(t, TaskState.RUNNING, null, t.sinkUuid());
    t.startedAt = startedAtMs == 0 ? now() : startedAtMs;
    t.updatedAt = now();
    AttemptRecord.Builder h = t.currentAttemptRecord();
    if (h != null) {
      h.setStarted(true);
    }
    persist(t);
  }

  /** The current attempt ended without a result: re-queue with attempt + 1, or give up. */
  void endAttempt(TaskRecord t, String outcome) {
    long now = now();
    AttemptRecord.Builder h = t.currentAttemptRecord();
    if (h != null) {
      h.setOutcome(outcome).setEndedAtMs(now);
    }
    log.info("attempt ended task={} attempt={} outcome={}", t.id, t.attempt, outcome);
    tracing.attemptEnded(t.spec.getTraceContext(), t.id, t.attempt, outcome);
    if (t.cancelRequested) {
      finish(t, TaskState.ERROR, HUB_ENDED_RESULT_CODE, List.of("cancelled: " + t.cancelReason));
      return;
    }
    if (t.countedAttempts() >= t.spec.getMaxAttempts()) {
      finish(
          t,
          TaskState.ERROR,
          HUB_ENDED_RESULT_CODE,
          List.of(
              "gave up after "
                  + t.countedAttempts()
                  + " attempt(s) (max_attempts "
                  + t.spec.getMaxAttempts()
                  + "); last: "
                  + outcome));
      return;
    }
    table.queue(t);
    t.attempt++;
    t.updatedAt = now;
    persist(t);
  }

  /** Records the task's end state; an attempt still open ends with it. */
  void finish(TaskRecord t, TaskState state, int code, List<String> messages) {
    finish(t, state, code, messages, 0, TraceContext.getDefaultInstance());
  }

  /**
   * Records the task's end state at {@code finishedAtMs} (0: now), in one journal write; {@code
   * result} is the context of the sink's result span, when a sink result ended it.
   */
  void finish(
      TaskRecord t,
      TaskState state,
      int code,
      List<String> messages,
      long finishedAtMs,
      TraceContext result) {
    long now = now();
    AttemptRecord.Builder h = t.currentAttemptRecord();
    if (h != null && h.getEndedAtMs() == 0) {
      h.setOutcome(state.name()).setEndedAtMs(now);
    }
    table.end(t, state);
    t.resultCode = code;
    t.messages = List.copyOf(messages);
    t.finishedAt = finishedAtMs == 0 ? now : finishedAtMs;
    t.updatedAt = now;
    persist(t);
    tracing.finished(result, t.spec.getTraceContext(), t.id, t.attempt, state.name(), code);
  }

  /** Cancels a task (see HubAdmin.CancelTask): at once when not leased, else through its sink. */
  void cancel(TaskRecord t, String reason) {
    String why = reason.isBlank() ? "cancelled by an administrator" : reason;
    switch (t.state()) {
      case QUEUED, OFFERED ->
          finish(t, TaskState.ERROR, HUB_ENDED_RESULT_CODE, List.of("cancelled: " + why));
      case LEASED, RUNNING -> {
        t.cancelRequested = true;
        t.cancelReason = why;
        t.updatedAt = now();
        persist(t);
        revoke(t);
      }
      default -> {
        // Finished tasks stay as they are.
      }
    }
  }

  /** Asks the sink running a task's attempt to stop it, when that sink is connected. */
  void revoke(TaskRecord t) {
    Session s = registry.sessionOf(t);
    if (s != null) {
      outbox.cancel(s, t);
    }
  }

  /**
   * Writes the task's snapshot. When the write fails, the task goes back to the snapshot the
   * journal still holds (or, never stored, is forgotten) and the failure is rethrown: what the
   * caller was about to acknowledge did not happen.
   */
  void persist(TaskRecord t) {
    Task snapshot = t.toProto(false);
    try {
      journal.save(snapshot, t.seq);
    } catch (JournalWriteException e) {
      health.failed(e, now());
      revert(t);
      throw e;
    }
    t.persisted = snapshot;
    health.succeeded(now());
  }

  private void revert(TaskRecord t) {
    if (t.persisted == null) {
      table.remove(t);
      return;
    }
    TaskRecord back = TaskRecord.fromProto(t.persisted, t.seq);
    // What the snapshot does not carry: the lease's deadline and the reason of a cancel.
    back.leaseExpiresAt = t.leaseExpiresAt;
    if (back.cancelRequested) {
      back.cancelReason = t.cancelReason;
    }
    table.replace(t, back);
  }
}
