package io.nexomatic.hub.core;

import io.grpc.StatusException;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.auth.Principal;
import io.nexomatic.hub.store.JournalWriteException;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.tracing.TaskTracing;
import io.nexomatic.protocol.v1.Accept;
import io.nexomatic.protocol.v1.Backpressure;
import io.nexomatic.protocol.v1.Decline;
import io.nexomatic.protocol.v1.Draining;
import io.nexomatic.protocol.v1.Heartbeat;
import io.nexomatic.protocol.v1.Hello;
import io.nexomatic.protocol.v1.ListSinksRequest;
import io.nexomatic.protocol.v1.ListTasksRequest;
import io.nexomatic.protocol.v1.ListTasksResponse;
import io.nexomatic.protocol.v1.LogAck;
import io.nexomatic.protocol.v1.LogChunk;
import io.nexomatic.protocol.v1.QueueStatsResponse;
import io.nexomatic.protocol.v1.Release;
import io.nexomatic.protocol.v1.Sink;
import io.nexomatic.protocol.v1.SinkAction;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskStarted;
import io.nexomatic.protocol.v1.TaskState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hub's state machine behind one lock: every public method takes it and hands off to the part
 * that owns the decision.
 *
 * <p>Task life: QUEUED → OFFERED (against credit) → LEASED (accepted) → RUNNING (started) → SUCCESS
 * / WARNING / ERROR. An offer not accepted in time, declined, or whose session drops goes back to
 * the queue with the same attempt. A lease that lapses (no heartbeat names it for the TTL) or is
 * released ends the attempt: the task is re-queued with attempt + 1, and reports for the old
 * attempt are rejected (fencing). Results are deduplicated by (task, attempt).
 *
 * <p>The parts: {@link TaskTable} holds the tasks and their indexes; {@link TaskLifecycle} moves a
 * task through its attempts; {@link Dispatcher} offers; {@link SessionLifecycle} opens, resumes and
 * closes sessions; {@link SessionMessages} handles what a session sends; {@link LeaseTimers} keeps
 * the deadlines; {@link AdminQueries} answers reads; {@link TaskLogStore} keeps the logs; {@link
 * Outbox} is everything said to a sink; {@link JournalHealth} says whether the journal takes
 * writes.
 *
 * <p>A step whose journal write fails is undone (see {@link TaskLifecycle#persist}) and its caller
 * gets RESOURCE_EXHAUSTED (a full disk) or UNAVAILABLE: a submitter retries, a sink's stream ends
 * and the sink resumes on a new session, resending what was not acknowledged. Reads go on.
 */
public final class HubCore {
  private static final Logger log = LoggerFactory.getLogger(HubCore.class);

  private final TaskTable table = new TaskTable();
  private final SessionRegistry registry = new SessionRegistry();
  private final TaskLogStore logs;
  private final TaskLifecycle lifecycle;
  private final Dispatcher dispatcher;
  private final SessionLifecycle sessions;
  private final SessionMessages messages;
  private final LeaseTimers timers;
  private final AdminQueries queries;
  private final JournalHealth health;

  public HubCore(HubConfig config, TaskJournal journal) {
    Outbox outbox = new SessionOutbox(config);
    this.health = new JournalHealth(journal);
    this.logs = new TaskLogStore(config, journal, health);
    TaskTracing tracing = new TaskTracing(config.openTelemetry());
    this.lifecycle = new TaskLifecycle(config, journal, health, table, registry, outbox, tracing);
    this.dispatcher = new Dispatcher(table, registry, lifecycle, health);
    this.sessions = new SessionLifecycle(config, table, registry, lifecycle, dispatcher, outbox);
    this.messages = new SessionMessages(config, table, lifecycle, dispatcher, outbox);
    this.timers = new LeaseTimers(config, table, registry, lifecycle, sessions, outbox);
    this.queries = new AdminQueries(config, table, registry, logs);
    restore(journal, config.leaseTtl().toMillis());
  }

  /** Reloads persisted tasks: queued ones re-enter their queue, leases get a fresh TTL. */
  private synchronized void restore(TaskJournal journal, long leaseTtlMs) {
    long now = lifecycle.now();
    for (TaskJournal.StoredTask stored : journal.loadTasks()) {
      TaskRecord t = TaskRecord.fromProto(stored.task(), stored.seq());
      table.restore(t);
      if (t.isHeld()) {
        // The sink may still be running it: give it a full TTL to resume its session.
        t.leaseExpiresAt = now + leaseTtlMs;
        registry.sinkOrRegister(
            t.sinkUuid(),
            t.sinkType(),
            t.tenant().isEmpty() ? Optional.empty() : Optional.of(t.tenant()));
      }
      logs.restore(t);
    }
    if (!table.all().isEmpty()) {
      log.info(
          "restored {} tasks ({} queued, {} leased)",
          table.all().size(),
          table.queuedCount(),
          table.heldCount());
    }
  }

  // -------------------------------------------------------------------------------------------
  // Admin
  // -------------------------------------------------------------------------------------------

  /** Enqueues a task; idempotent per client_request_id. */
  public synchronized Task submit(SubmitTaskRequest request) throws StatusException {
    TaskRecord t = recorded("submission", () -> lifecycle.submit(request));
    recorded("submission", dispatcher::dispatch);
    return queries.view(t);
  }

  /** One task, masked. */
  public synchronized Task get(String taskId) throws StatusException {
    return queries.view(queries.find(taskId));
  }

  /** Tasks, newest first. */
  public synchronized ListTasksResponse list(ListTasksRequest r) {
    return queries.list(r);
  }

  /** Cancels a task (see HubAdmin.CancelTask). */
  public synchronized Task cancel(String taskId, String reason) throws StatusException {
    TaskRecord t = queries.find(taskId);
    recorded("cancel", () -> lifecycle.cancel(t, reason));
    return queries.view(table.get(taskId));
  }

  /** Queue statistics for one (type, tenant), or for every known queue when type is empty. */
  public synchronized QueueStatsResponse stats(String sinkType, String tenant) {
    return queries.stats(sinkType, tenant);
  }

  /** Sinks matching a request. */
  public synchronized List<Sink> sinks(ListSinksRequest r) {
    return queries.sinks(r);
  }

  /** Sends Reset / Kill / Force Kill to a connected sink. */
  public synchronized Sink control(String sinkUuid, SinkAction action, String reason)
      throws StatusException {
    return queries.toProto(recorded("control", () -> sessions.control(sinkUuid, action, reason)));
  }

  /** Counts for tests and the CLI. */
  public synchronized Map<TaskState, Long> countByState() {
    return queries.countByState();
  }

  // -------------------------------------------------------------------------------------------
  // Sessions
  // -------------------------------------------------------------------------------------------

  /**
   * Establishes a session for a validated Hello: sends Welcome (with a verdict per resumed task)
   * and then, against credit, offers.
   */
  public synchronized Session open(
      Hello hello, Principal.SinkClient principal, SessionHandle handle) throws StatusException {
    try {
      return sessions.open(hello, principal, handle);
    } catch (JournalWriteException e) {
      // Resuming re-queues what the sink no longer holds; unrecorded, the session cannot stand.
      SinkRecord sink = registry.sink(hello.getSinkUuid());
      if (sink != null && sink.session != null && sink.session.handle == handle) {
        sessions.close(sink.session, "journal write failed");
      }
      throw health.refusal("session's resume", e);
    }
  }

  /** The session's stream ended: offers go back to the queue; leases run their TTL. */
  public synchronized void closeSession(Session s, String why) {
    sessions.close(s, why);
  }

  /** An open session by id, or null. */
  public synchronized Session session(String sessionId) {
    return registry.session(sessionId);
  }

  /** Whether a session is of the sink type (and tenant) the caller authenticated as. */
  public synchronized boolean sessionBelongsTo(Session s, Principal.SinkClient principal) {
    return s.sink.sinkType.equals(principal.sinkType())
        && s.sink.tenant.equals(principal.tenantUuid());
  }

  /** Records that the session is alive. */
  public synchronized void touch(Session s) {
    messages.touch(s);
  }

  // A sink's message whose journal write fails ends its stream with the refusal: the sink resumes
  // on a new session and resends what the Hub did not acknowledge.

  public synchronized void onCredit(Session s, int credits) throws StatusException {
    recorded("credit", () -> messages.onCredit(s, credits));
  }

  public synchronized void onAccept(Session s, Accept accept) throws StatusException {
    recorded("lease", () -> messages.onAccept(s, accept));
  }

  public synchronized void onDecline(Session s, Decline decline) throws StatusException {
    recorded("decline", () -> messages.onDecline(s, decline));
  }

  public synchronized void onStarted(Session s, TaskStarted started) throws StatusException {
    recorded("start", () -> messages.onStarted(s, started));
  }

  public synchronized void onResult(Session s, TaskResult result) throws StatusException {
    recorded("result", () -> messages.onResult(s, result));
  }

  public synchronized void onRelease(Session s, Release release) throws StatusException {
    recorded("release", () -> messages.onRelease(s, release));
  }

  public synchronized void onHeartbeat(Session s, Heartbeat hb) throws StatusException {
    recorded("heartbeat", () -> messages.onHeartbeat(s, hb));
  }

  public synchronized void onBackpressure(Session s, Backpressure bp) throws StatusException {
    recorded("back-pressure signal", () -> messages.onBackpressure(s, bp));
  }

  public synchronized void onDraining(Session s, Draining d) throws StatusException {
    recorded("drain notice", () -> messages.onDraining(s));
  }

  // -------------------------------------------------------------------------------------------
  // Logs
  // -------------------------------------------------------------------------------------------

  /** Appends a chunk from a session's log stream and returns the acknowledgement. */
  public LogAck appendLog(Session s, LogChunk chunk) throws StatusException {
    TaskRef ref = chunk.getTask();
    TaskLog tl;
    synchronized (this) {
      TaskRecord t = table.get(ref.getTaskId());
      boolean owner =
          t != null
              && t.attempt == ref.getAttempt()
              && t.sinkUuid().equals(s.sink.uuid)
              && (t.isHeld() || t.isTerminal());
      if (!owner) {
        return LogAck.newBuilder().setTask(ref).setDiscard(true).build();
      }
      tl = logs.currentOrNew(t);
    }
    try {
      return logs.append(tl, chunk);
    } catch (JournalWriteException e) {
      throw health.refusal("log chunk", e);
    }
  }

  /** A view of a task's log for readers. */
  public record LogView(int attempt, byte[] data, boolean complete) {}

  /**
   * Up to {@code max} bytes of the current attempt's log from {@code from}; complete when the task
   * has ended and its whole log was received: its end chunk, or as many bytes as its result's
   * LogSummary says were forwarded (an attempt without output sends no chunk at all), or the task
   * ended without a session to send the rest.
   *
   * <p>The result travels on the control stream and the log on its own, so the result may arrive
   * first: a reader is not told the log is complete while bytes the result counts are on the way.
   */
  public LogView readLog(String taskId, long from, int max) throws StatusException {
    TaskLog tl;
    boolean terminal;
    boolean sinkGone;
    int attempt;
    long forwarded;
    synchronized (this) {
      TaskRecord t = queries.find(taskId);
      tl = logs.current(t);
      terminal = t.isTerminal();
      // An ended task's last sink: while it is connected, the rest of the log may still come.
      SinkRecord sink = registry.sink(t.sinkUuid());
      sinkGone = t.offeredTo() == null && (sink == null || sink.session == null);
      attempt = t.attempt;
      forwarded = t.logForwardedBytes;
    }
    if (tl == null) {
      // Unknown length (-1): a task that ended without a sink result has no log coming.
      return new LogView(attempt, new byte[0], terminal && (forwarded <= 0 || sinkGone));
    }
    byte[] data = tl.read(from, max);
    boolean atEnd = from + data.length >= tl.storedBytes();
    boolean allReceived = tl.eof() || (forwarded >= 0 && tl.acked() >= forwarded);
    return new LogView(attempt, data, terminal && atEnd && (allReceived || sinkGone));
  }

  // -------------------------------------------------------------------------------------------
  // Timers
  // -------------------------------------------------------------------------------------------

  /**
   * Expires offers and leases, closes silent sessions, applies the backstop, dispatches. While the
   * journal takes no writes the timers wait (a lapsed lease could not be re-queued on record) and
   * the tick only probes the journal, once a {@link JournalHealth#PROBE_INTERVAL_MS}.
   */
  public synchronized void tick() {
    if (!health.probe(lifecycle.now())) {
      return;
    }
    try {
      timers.expire();
      dispatcher.dispatch();
    } catch (JournalWriteException e) {
      // Undone where it failed; the next tick probes, then retries.
    }
  }

  /** Moves every sink-facing deadline out by {@code pauseMs} after the Hub could not run. */
  public synchronized void forgivePause(long pauseMs) {
    timers.forgivePause(pauseMs);
  }

  /** Whether the journal takes writes (an outage ends at the first write or probe that works). */
  public synchronized boolean journalWritable() {
    return health.writable();
  }

  /** Every task as the journal should now hold it (offers aside); for tests. */
  synchronized List<Task> snapshots() {
    return table.all().stream().map(t -> t.toProto(false)).toList();
  }

  /** Checks the task table's indexes against its tasks; for tests (see {@link TaskTable}). */
  synchronized void checkConsistent() {
    table.checkConsistent();
  }

  /** A step that writes the journal. */
  @FunctionalInterface
  private interface Step<T> {
    T run() throws StatusException;
  }

  /** A step without a value. */
  @FunctionalInterface
  private interface VoidStep {
    void run() throws StatusException;
  }

  /** Runs a step; a journal write that failed in it (and was undone there) becomes the refusal. */
  private <T> T recorded(String what, Step<T> step) throws StatusException {
    try {
      return step.run();
    } catch (JournalWriteException e) {
      throw health.refusal(what, e);
    }
  }

  private void recorded(String what, VoidStep step) throws StatusException {
    recorded(
        what,
        () -> {
          step.run();
          return null;
        });
  }
}
