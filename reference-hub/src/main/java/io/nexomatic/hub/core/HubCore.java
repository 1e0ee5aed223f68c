package io.nexomatic.hub.core;

import io.grpc.Status;
import io.grpc.StatusException;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.HubVersion;
import io.nexomatic.hub.auth.Principal;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.protocol.v1.Accept;
import io.nexomatic.protocol.v1.AttemptRecord;
import io.nexomatic.protocol.v1.Backpressure;
import io.nexomatic.protocol.v1.CancelTask;
import io.nexomatic.protocol.v1.Decline;
import io.nexomatic.protocol.v1.Draining;
import io.nexomatic.protocol.v1.Heartbeat;
import io.nexomatic.protocol.v1.HeartbeatAck;
import io.nexomatic.protocol.v1.HeldTask;
import io.nexomatic.protocol.v1.Hello;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.LeaseDenied;
import io.nexomatic.protocol.v1.LeaseGrant;
import io.nexomatic.protocol.v1.Limits;
import io.nexomatic.protocol.v1.ListSinksRequest;
import io.nexomatic.protocol.v1.ListTasksRequest;
import io.nexomatic.protocol.v1.ListTasksResponse;
import io.nexomatic.protocol.v1.LogAck;
import io.nexomatic.protocol.v1.LogChunk;
import io.nexomatic.protocol.v1.QueueStats;
import io.nexomatic.protocol.v1.QueueStatsResponse;
import io.nexomatic.protocol.v1.Release;
import io.nexomatic.protocol.v1.ResultAck;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.ResumeDecision;
import io.nexomatic.protocol.v1.ResumeVerdict;
import io.nexomatic.protocol.v1.Sink;
import io.nexomatic.protocol.v1.SinkAction;
import io.nexomatic.protocol.v1.SinkControl;
import io.nexomatic.protocol.v1.SinkStatus;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskOffer;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskStarted;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.protocol.v1.Welcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hub's state machine: tasks, queues, sinks and sessions, every transition under one lock.
 *
 * <p>Task life: QUEUED → OFFERED (against credit) → LEASED (accepted) → RUNNING (started) → SUCCESS
 * / WARNING / ERROR. An offer not accepted in time, declined, or whose session drops goes back to
 * the queue with the same attempt. A lease that lapses (no heartbeat names it for the TTL) or is
 * released ends the attempt: the task is re-queued with attempt + 1, and reports for the old
 * attempt are rejected (fencing). Results are deduplicated by (task, attempt).
 */
public final class HubCore {
  static final String LEASE_EXPIRED = "lease expired";
  private static final Logger log = LoggerFactory.getLogger(HubCore.class);
  private static final int CANCELLED_RESULT_CODE = -1;

  private final HubConfig config;
  private final TaskJournal journal;
  private final SubmitValidator validator;

  private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
  private final Map<String, TaskRecord> byClientRequestId = new HashMap<>();
  private final TaskQueues queues = new TaskQueues();
  private final Set<TaskRecord> offered = new LinkedHashSet<>();
  private final Set<TaskRecord> held = new LinkedHashSet<>();
  private final Map<String, SinkRecord> sinks = new LinkedHashMap<>();
  private final Map<String, Session> sessions = new LinkedHashMap<>();

  /** Logs are appended outside the core lock; the map itself is concurrent. */
  private final Map<String, TaskLog> logs = new ConcurrentHashMap<>();

  private long nextSeq = 1;
  private int rotation;

  public HubCore(HubConfig config, TaskJournal journal) {
    this.config = config;
    this.journal = journal;
    this.validator = new SubmitValidator(config.maxPayloadBytes());
    restore();
  }

  private long now() {
    return config.clock().millis();
  }

  // -------------------------------------------------------------------------------------------
  // Restart
  // -------------------------------------------------------------------------------------------

  /** Reloads persisted tasks: queued ones re-enter their queue, leases get a fresh TTL. */
  private synchronized void restore() {
    long now = now();
    for (TaskJournal.StoredTask stored : journal.loadTasks()) {
      TaskRecord t = TaskRecord.fromProto(stored.task(), stored.seq());
      tasks.put(t.id, t);
      nextSeq = Math.max(nextSeq, stored.seq() + 1);
      if (!t.spec.getClientRequestId().isEmpty()) {
        byClientRequestId.put(t.spec.getClientRequestId(), t);
      }
      if (t.state == TaskState.OFFERED) {
        t.state = TaskState.QUEUED;
      }
      if (t.state == TaskState.QUEUED) {
        queues.add(t);
      } else if (t.isHeld()) {
        // The sink may still be running it: give it a full TTL to resume its session.
        t.leaseExpiresAt = now + config.leaseTtl().toMillis();
        held.add(t);
        SinkRecord sink =
            sinks.computeIfAbsent(
                t.sinkUuid,
                u ->
                    new SinkRecord(
                        u,
                        t.sinkType(),
                        t.tenant().isEmpty() ? Optional.empty() : Optional.of(t.tenant())));
        sink.held.add(t);
      }
      TaskJournal.StoredLog storedLog = journal.loadLog(t.id);
      if (storedLog != null && storedLog.attempt() == t.attempt) {
        TaskLog tl = new TaskLog(t.attempt, config.maxTaskLogBytes());
        tl.restore(storedLog.data(), storedLog.eof());
        logs.put(t.id, tl);
      }
    }
    if (!tasks.isEmpty()) {
      log.info(
          "restored {} tasks ({} queued, {} leased)", tasks.size(), queues.size(), held.size());
    }
  }

  // -------------------------------------------------------------------------------------------
  // Admin: tasks
  // -------------------------------------------------------------------------------------------

  /** Enqueues a task; idempotent per client_request_id. */
  public synchronized Task submit(SubmitTaskRequest request) throws StatusException {
    if (!request.getClientRequestId().isEmpty()) {
      TaskRecord existing = byClientRequestId.get(request.getClientRequestId());
      if (existing != null) {
        return view(existing);
      }
    }
    String payload = validator.validate(request);
    if (queues.size() >= config.maxQueued()) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "queue full: "
                  + queues.size()
                  + " tasks are queued (the Hub's limit); retry later or raise --max-queued")
          .asException();
    }
    long now = now();
    Task spec =
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
            .setCreatedAtMs(now)
            .build();
    TaskRecord t = new TaskRecord(UUID.randomUUID().toString(), nextSeq++, spec);
    tasks.put(t.id, t);
    if (!request.getClientRequestId().isEmpty()) {
      byClientRequestId.put(request.getClientRequestId(), t);
    }
    persist(t);
    queues.add(t);
    dispatch();
    return view(t);
  }

  /** A task as admins see it: secret parameters masked, with the log bytes held for it. */
  private Task view(TaskRecord t) {
    Task masked = t.toProto(true);
    TaskLog tl = logs.get(t.id);
    return tl == null || tl.attempt != t.attempt
        ? masked
        : masked.toBuilder().setLogBytes(tl.storedBytes()).build();
  }

  /** One task, masked. */
  public synchronized Task get(String taskId) throws StatusException {
    return view(find(taskId));
  }

  /** Tasks, newest first. */
  public synchronized ListTasksResponse list(ListTasksRequest r) {
    int limit = r.getLimit() == 0 ? 100 : Math.min(r.getLimit(), 10_000);
    List<TaskRecord> all = new ArrayList<>(tasks.values());
    Collections.reverse(all);
    Set<TaskState> states = new java.util.HashSet<>(r.getStatesList());
    ListTasksResponse.Builder out = ListTasksResponse.newBuilder();
    boolean started = r.getPageToken().isEmpty();
    for (TaskRecord t : all) {
      if (!started) {
        started = t.id.equals(r.getPageToken());
        continue;
      }
      if ((!states.isEmpty() && !states.contains(t.state))
          || (!r.getSinkType().isEmpty() && !r.getSinkType().equals(t.sinkType()))
          || (!r.getTenantUuid().isEmpty() && !r.getTenantUuid().equals(t.tenant()))) {
        continue;
      }
      if (out.getTasksCount() == limit) {
        out.setNextPageToken(out.getTasks(limit - 1).getTaskId());
        break;
      }
      out.addTasks(view(t));
    }
    return out.build();
  }

  /** Cancels a task (see HubAdmin.CancelTask). */
  public synchronized Task cancel(String taskId, String reason) throws StatusException {
    TaskRecord t = find(taskId);
    String why = reason.isBlank() ? "cancelled by an administrator" : reason;
    switch (t.state) {
      case QUEUED -> {
        queues.remove(t);
        finish(t, TaskState.ERROR, CANCELLED_RESULT_CODE, List.of("cancelled: " + why));
      }
      case OFFERED -> {
        withdrawOffer(t);
        finish(t, TaskState.ERROR, CANCELLED_RESULT_CODE, List.of("cancelled: " + why));
      }
      case LEASED, RUNNING -> {
        t.cancelRequested = true;
        t.cancelReason = why;
        t.updatedAt = now();
        persist(t);
        if (t.session != null) {
          sendCancel(t);
        }
      }
      default -> {
        // Finished tasks stay as they are.
      }
    }
    return view(t);
  }

  private TaskRecord find(String taskId) throws StatusException {
    TaskRecord t = tasks.get(taskId);
    if (t == null) {
      throw Status.NOT_FOUND.withDescription("no task with id '" + taskId + "'").asException();
    }
    return t;
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
    if (!hello.getSinkType().equals(principal.sinkType())) {
      throw Status.PERMISSION_DENIED
          .withDescription(
              "Hello.sink_type '"
                  + hello.getSinkType()
                  + "' differs from the authenticated client id '"
                  + principal.sinkType()
                  + "'")
          .asException();
    }
    if (!hello.getTenantUuid().equals(principal.tenantUuid().orElse(""))) {
      throw Status.PERMISSION_DENIED
          .withDescription(
              "Hello.tenant_uuid '"
                  + hello.getTenantUuid()
                  + "' differs from the authenticated tenant '"
                  + principal.tenantUuid().orElse("")
                  + "'")
          .asException();
    }
    long now = now();
    SinkRecord sink = sinks.get(hello.getSinkUuid());
    if (sink != null && !sink.sinkType.equals(hello.getSinkType())) {
      throw Status.PERMISSION_DENIED
          .withDescription("sink " + hello.getSinkUuid() + " is registered with another Sink Type")
          .asException();
    }
    if (sink == null) {
      sink = new SinkRecord(hello.getSinkUuid(), hello.getSinkType(), principal.tenantUuid());
      sinks.put(sink.uuid, sink);
    }
    if (sink.session != null) {
      // A reconnect raced a half-open connection: the newer session wins.
      Session old = sink.session;
      old.handle.close(
          Status.ABORTED.withDescription("superseded by a newer session of this sink"));
      closeSession(old, "superseded");
    }
    Session s = new Session(UUID.randomUUID().toString(), sink, handle, now);
    sessions.put(s.id, s);
    sink.session = s;
    sink.tenant = principal.tenantUuid();
    sink.status = SinkStatus.ONLINE;
    sink.concurrency = hello.getConcurrency();
    sink.draining = hello.getDraining();
    sink.backpressured = false;
    sink.podName = hello.getPodName();
    sink.nodeName = hello.getNodeName();
    sink.hostname = hello.getHostname();
    sink.version = hello.getVersion();
    sink.connectedAt = now;
    sink.lastSeen = now;

    Welcome.Builder welcome =
        Welcome.newBuilder()
            .setSessionId(s.id)
            .setSinkUuid(sink.uuid)
            .setHeartbeatIntervalMs((int) config.heartbeatInterval().toMillis())
            .setLeaseTtlMs((int) config.leaseTtl().toMillis())
            .setOfferTimeoutMs((int) config.offerTimeout().toMillis())
            .setLimits(
                Limits.newBuilder()
                    .setMaxLogChunkBytes(config.maxLogChunkBytes())
                    .setMaxResultMessages(config.maxResultMessages())
                    .setMaxResultMessageBytes(config.maxResultMessageBytes())
                    .setMaxTaskLogBytes(config.maxTaskLogBytes()))
            .setHubVersion(HubVersion.VERSION);
    List<TaskRecord> kept = new ArrayList<>();
    for (HeldTask h : hello.getResumeList()) {
      welcome.addResumeDecisions(resume(s, h, kept));
    }
    handle.send(HubMessage.newBuilder().setWelcome(welcome).build());
    // The sink uuid lives as long as the sink process, so a lease it does not mention is one the
    // process no longer holds: re-queue it now instead of waiting for the TTL.
    for (TaskRecord t : new ArrayList<>(sink.held)) {
      if (!kept.contains(t)) {
        endAttempt(t, LEASE_EXPIRED + ": the sink resumed its session without it");
      }
    }
    for (TaskRecord t : kept) {
      if (t.cancelRequested) {
        sendCancel(t);
      }
    }
    log.info(
        "session opened sink={} type={} tenant={} concurrency={} resumed={} pod={}",
        sink.uuid,
        sink.sinkType,
        sink.tenant.orElse(""),
        sink.concurrency,
        hello.getResumeCount(),
        sink.podName);
    return s;
  }

  private ResumeDecision resume(Session s, HeldTask h, List<TaskRecord> kept) {
    TaskRef ref = h.getTask();
    TaskRecord t = tasks.get(ref.getTaskId());
    ResumeDecision.Builder d = ResumeDecision.newBuilder().setTask(ref);
    if (t == null) {
      return d.setVerdict(ResumeVerdict.FENCED).setReason("unknown task").build();
    }
    if (t.attempt != ref.getAttempt()) {
      return d.setVerdict(ResumeVerdict.FENCED)
          .setReason(
              "attempt "
                  + ref.getAttempt()
                  + " was fenced: the task is at attempt "
                  + t.attempt
                  + " ("
                  + t.state
                  + ")")
          .build();
    }
    if (t.isTerminal()) {
      return d.setVerdict(ResumeVerdict.FENCED)
          .setReason("the task already ended " + t.state)
          .build();
    }
    if (!t.isHeld() || !t.sinkUuid.equals(s.sink.uuid)) {
      return d.setVerdict(ResumeVerdict.FENCED)
          .setReason("the task is not leased to this sink")
          .build();
    }
    t.session = s;
    t.leaseExpiresAt = now() + config.leaseTtl().toMillis();
    s.sink.held.add(t);
    kept.add(t);
    return d.setVerdict(ResumeVerdict.KEEP).build();
  }

  /** The session's stream ended: offers go back to the queue; leases run their TTL. */
  public synchronized void closeSession(Session s, String why) {
    if (s.closed) {
      return;
    }
    s.closed = true;
    sessions.remove(s.id);
    for (TaskRecord t : new ArrayList<>(s.offered)) {
      withdrawOffer(t);
      requeue(t);
    }
    SinkRecord sink = s.sink;
    if (sink.session == s) {
      sink.session = null;
      sink.status = SinkStatus.OFFLINE;
      sink.backpressured = false;
      for (TaskRecord t : sink.held) {
        t.session = null;
      }
    }
    log.info("session closed sink={} reason={} held={}", sink.uuid, why, sink.held.size());
    dispatch();
  }

  /** An open session by id, or null. */
  public synchronized Session session(String sessionId) {
    return sessions.get(sessionId);
  }

  /** Whether a session is of the sink type (and tenant) the caller authenticated as. */
  public synchronized boolean sessionBelongsTo(Session s, Principal.SinkClient principal) {
    return s.sink.sinkType.equals(principal.sinkType())
        && s.sink.tenant.equals(principal.tenantUuid());
  }

  /** Records that the session is alive. */
  public synchronized void touch(Session s) {
    long now = now();
    s.lastMessageAt = now;
    s.sink.lastSeen = now;
  }

  public synchronized void onCredit(Session s, int credits) throws StatusException {
    if (credits <= 0 || s.credits + credits > 100_000) {
      throw Status.INVALID_ARGUMENT
          .withDescription("CreditGrant.credits must be between 1 and 100000 outstanding")
          .asException();
    }
    s.credits += credits;
    dispatch();
  }

  public synchronized void onAccept(Session s, Accept accept) {
    TaskRef ref = accept.getTask();
    TaskRecord t = tasks.get(ref.getTaskId());
    String denial = null;
    if (t == null) {
      denial = "unknown task id '" + ref.getTaskId() + "'";
    } else if (t.state != TaskState.OFFERED || t.session != s || t.attempt != ref.getAttempt()) {
      denial =
          "task "
              + ref.getTaskId()
              + " attempt "
              + ref.getAttempt()
              + " is not offered to this session (offer expired or withdrawn; it is "
              + t.state
              + " at attempt "
              + t.attempt
              + ")";
    }
    if (denial != null) {
      s.handle.send(
          HubMessage.newBuilder()
              .setLeaseDenied(LeaseDenied.newBuilder().setTask(ref).setReason(denial))
              .build());
      return;
    }
    long now = now();
    offered.remove(t);
    s.offered.remove(t);
    t.state = TaskState.LEASED;
    t.leaseExpiresAt = now + config.leaseTtl().toMillis();
    t.sinkUuid = s.sink.uuid;
    t.updatedAt = now;
    t.history.add(
        AttemptRecord.newBuilder()
            .setAttempt(t.attempt)
            .setSinkUuid(s.sink.uuid)
            .setLeasedAtMs(now));
    held.add(t);
    s.sink.held.add(t);
    persist(t);
    s.handle.send(
        HubMessage.newBuilder()
            .setLeaseGranted(
                LeaseGrant.newBuilder().setTask(ref).setLeaseExpiresAtMs(t.leaseExpiresAt))
            .build());
  }

  public synchronized void onDecline(Session s, Decline decline) {
    TaskRecord t = tasks.get(decline.getTask().getTaskId());
    // A decline withdraws the rest of the sink's credit, so a declined task is never offered
    // straight back to the sink that refused it.
    s.credits = 0;
    if (t != null
        && t.state == TaskState.OFFERED
        && t.session == s
        && t.attempt == decline.getTask().getAttempt()) {
      withdrawOffer(t);
      requeue(t);
    }
    dispatch();
  }

  public synchronized void onStarted(Session s, TaskStarted started) {
    TaskRecord t = heldBy(s, started.getTask());
    if (t != null && t.state == TaskState.LEASED) {
      t.state = TaskState.RUNNING;
      t.startedAt = started.getStartedAtMs() == 0 ? now() : started.getStartedAtMs();
      t.updatedAt = now();
      AttemptRecord.Builder h = t.currentAttemptRecord();
      if (h != null) {
        h.setStarted(true);
      }
      persist(t);
    }
  }

  public synchronized void onResult(Session s, TaskResult result) {
    ResultAck.Builder ack = ResultAck.newBuilder().setTask(result.getTask());
    judgeResult(s, result, ack);
    if (ack.getDisposition() != ResultDisposition.RECORDED) {
      log.info(
          "result not recorded task={} attempt={} disposition={} detail={}",
          result.getTask().getTaskId(),
          result.getTask().getAttempt(),
          ack.getDisposition(),
          ack.getDetail());
    }
    s.handle.send(HubMessage.newBuilder().setResultAck(ack).build());
  }

  private void judgeResult(Session s, TaskResult result, ResultAck.Builder ack) {
    TaskRef ref = result.getTask();
    TaskRecord t = tasks.get(ref.getTaskId());
    if (t == null) {
      ack.setDisposition(ResultDisposition.REJECTED)
          .setDetail("unknown task id '" + ref.getTaskId() + "'");
      return;
    }
    if (ref.getAttempt() != t.attempt) {
      ack.setDisposition(
              ref.getAttempt() < t.attempt && recordedAttempt(t, ref.getAttempt())
                  ? ResultDisposition.DUPLICATE
                  : ResultDisposition.STALE_ATTEMPT)
          .setDetail(
              "attempt "
                  + ref.getAttempt()
                  + " is not current: the task is at attempt "
                  + t.attempt
                  + " ("
                  + t.state
                  + "); the older attempt was fenced when its lease ended");
      return;
    }
    if (t.isTerminal()) {
      ack.setDisposition(ResultDisposition.DUPLICATE)
          .setDetail("task already ended " + t.state + " for attempt " + t.attempt);
      return;
    }
    if (t.state == TaskState.OFFERED) {
      ack.setDisposition(ResultDisposition.REJECTED)
          .setDetail(
              "task "
                  + t.id
                  + " attempt "
                  + t.attempt
                  + " is OFFERED, not leased: Accept it and wait for LeaseGrant before running"
                  + " it");
      return;
    }
    if (!t.isHeld() || !t.sinkUuid.equals(s.sink.uuid)) {
      ack.setDisposition(ResultDisposition.REJECTED)
          .setDetail("task " + t.id + " is not leased to this sink");
      return;
    }
    List<String> messages = capMessages(result.getMessagesList());
    if (t.cancelRequested && result.getState() != TaskState.ERROR) {
      // The task finished before the cancel reached it: its real outcome wins.
      log.info("task {} finished {} despite a cancel request", t.id, result.getState());
    }
    t.dataJson = result.getDataJson();
    t.logForwardedBytes = result.hasLog() ? result.getLog().getForwardedBytes() : -1;
    if (result.getStartedAtMs() != 0) {
      t.startedAt = result.getStartedAtMs();
    }
    AttemptRecord.Builder h = t.currentAttemptRecord();
    if (h != null) {
      h.setStarted(true);
    }
    finish(t, result.getState(), result.getResultCode(), messages);
    if (result.getFinishedAtMs() != 0) {
      t.finishedAt = result.getFinishedAtMs();
      persist(t);
    }
    ack.setDisposition(ResultDisposition.RECORDED);
  }

  private static boolean recordedAttempt(TaskRecord t, int attempt) {
    return t.history.stream()
        .anyMatch(h -> h.getAttempt() == attempt && isOutcomeName(h.getOutcome()));
  }

  private static boolean isOutcomeName(String outcome) {
    return outcome.equals("SUCCESS") || outcome.equals("WARNING") || outcome.equals("ERROR");
  }

  private List<String> capMessages(List<String> in) {
    List<String> out = new ArrayList<>();
    for (String m : in) {
      if (out.size() == config.maxResultMessages()) {
        out.add("… " + (in.size() - out.size()) + " more messages dropped by the Hub's limit");
        break;
      }
      byte[] bytes = m.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > config.maxResultMessageBytes()) {
        String cut =
            new String(bytes, 0, config.maxResultMessageBytes(), StandardCharsets.UTF_8)
                .replaceAll("\uFFFD+$", "");
        out.add(cut + "… (truncated)");
      } else {
        out.add(m);
      }
    }
    return out;
  }

  public synchronized void onRelease(Session s, Release release) {
    ResultAck.Builder ack = ResultAck.newBuilder().setTask(release.getTask());
    TaskRecord t = heldBy(s, release.getTask());
    if (t == null) {
      TaskRecord any = tasks.get(release.getTask().getTaskId());
      ack.setDisposition(
              any != null && any.attempt != release.getTask().getAttempt()
                  ? ResultDisposition.STALE_ATTEMPT
                  : ResultDisposition.REJECTED)
          .setDetail("the task is not leased to this sink at that attempt");
    } else {
      AttemptRecord.Builder h = t.currentAttemptRecord();
      if (h != null && release.getStarted()) {
        h.setStarted(true);
      }
      endAttempt(t, "released: " + release.getReason());
      ack.setDisposition(ResultDisposition.RELEASED);
    }
    s.handle.send(HubMessage.newBuilder().setResultAck(ack).build());
    dispatch();
  }

  public synchronized void onHeartbeat(Session s, Heartbeat hb) {
    long expires = now() + config.leaseTtl().toMillis();
    HeartbeatAck.Builder ack = HeartbeatAck.newBuilder().setSeq(hb.getSeq());
    for (TaskRef ref : hb.getHeldList()) {
      TaskRecord t = tasks.get(ref.getTaskId());
      if (t != null && t.attempt == ref.getAttempt() && t.sinkUuid.equals(s.sink.uuid)) {
        if (t.isHeld()) {
          t.leaseExpiresAt = expires;
          t.session = s;
          s.sink.held.add(t);
          continue;
        }
        if (t.isTerminal()) {
          continue; // its result is recorded; the sink will learn it from the ResultAck
        }
      }
      ack.addRevoked(ref);
    }
    s.handle.send(HubMessage.newBuilder().setHeartbeatAck(ack).build());
  }

  public synchronized void onBackpressure(Session s, Backpressure bp) {
    boolean was = s.sink.backpressured;
    s.sink.backpressured = bp.getEngaged();
    if (was != bp.getEngaged()) {
      log.info(
          "backpressure {} sink={} depth={} threshold={}",
          bp.getEngaged() ? "engaged" : "released",
          s.sink.uuid,
          bp.getQueueDepth(),
          bp.getThreshold());
    }
    if (!bp.getEngaged()) {
      dispatch();
    }
  }

  public synchronized void onDraining(Session s, Draining d) {
    s.sink.draining = true;
    s.credits = 0;
    for (TaskRecord t : new ArrayList<>(s.offered)) {
      withdrawOffer(t);
      requeue(t);
    }
    log.info("sink draining sink={} held={}", s.sink.uuid, s.sink.held.size());
    dispatch();
  }

  private TaskRecord heldBy(Session s, TaskRef ref) {
    TaskRecord t = tasks.get(ref.getTaskId());
    if (t == null
        || !t.isHeld()
        || t.attempt != ref.getAttempt()
        || !t.sinkUuid.equals(s.sink.uuid)) {
      return null;
    }
    return t;
  }

  // -------------------------------------------------------------------------------------------
  // Logs
  // -------------------------------------------------------------------------------------------

  /** Appends a chunk from a session's log stream and returns the acknowledgement. */
  public LogAck appendLog(Session s, LogChunk chunk) {
    TaskRef ref = chunk.getTask();
    TaskLog tl;
    synchronized (this) {
      TaskRecord t = tasks.get(ref.getTaskId());
      boolean owner =
          t != null
              && t.attempt == ref.getAttempt()
              && t.sinkUuid.equals(s.sink.uuid)
              && (t.isHeld() || t.isTerminal());
      if (!owner) {
        return LogAck.newBuilder().setTask(ref).setDiscard(true).build();
      }
      tl = logs.get(t.id);
      if (tl == null || tl.attempt != t.attempt) {
        tl = new TaskLog(t.attempt, config.maxTaskLogBytes());
        logs.put(t.id, tl);
      }
    }
    synchronized (tl) {
      byte[] kept = tl.append(chunk.getOffset(), chunk.getData().toByteArray(), chunk.getEof());
      if (kept != null && (kept.length > 0 || chunk.getEof())) {
        journal.appendLog(
            ref.getTaskId(), ref.getAttempt(), tl.storedBytes() - kept.length, kept, tl.eof());
      }
      return LogAck.newBuilder().setTask(ref).setAckedOffset(tl.acked()).build();
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
      TaskRecord t = find(taskId);
      tl = logs.get(taskId);
      terminal = t.isTerminal();
      sinkGone =
          t.session == null
              && (sinks.get(t.sinkUuid) == null || sinks.get(t.sinkUuid).session == null);
      attempt = t.attempt;
      forwarded = t.logForwardedBytes;
    }
    if (tl == null || tl.attempt != attempt) {
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

  /** Expires offers and leases, closes silent sessions, applies the backstop, dispatches. */
  public synchronized void tick() {
    long now = now();
    for (TaskRecord t : new ArrayList<>(offered)) {
      if (now >= t.offerExpiresAt) {
        withdrawOffer(t);
        requeue(t);
      }
    }
    long silentLimit = 3 * config.heartbeatInterval().toMillis();
    for (Session s : new ArrayList<>(sessions.values())) {
      if (now - s.lastMessageAt > silentLimit) {
        s.handle.close(
            Status.UNAVAILABLE.withDescription(
                "no message from the sink for "
                    + (now - s.lastMessageAt)
                    + " ms (heartbeat interval "
                    + config.heartbeatInterval().toMillis()
                    + " ms)"));
        closeSession(s, "silent");
      }
    }
    for (TaskRecord t : new ArrayList<>(held)) {
      if (now >= t.leaseExpiresAt) {
        if (t.session != null) {
          sendCancel(t);
        }
        endAttempt(
            t,
            LEASE_EXPIRED + " (no heartbeat named it for " + config.leaseTtl().toMillis() + " ms)");
      } else if (now >= backstopDeadline(t)) {
        if (t.session != null) {
          sendCancel(t);
        }
        AttemptRecord.Builder h = t.currentAttemptRecord();
        if (h != null) {
          h.setOutcome("backstop: no result in time").setEndedAtMs(now);
        }
        releaseHold(t);
        finish(
            t,
            TaskState.ERROR,
            CANCELLED_RESULT_CODE,
            List.of("no result from sink " + t.sinkUuid + " within the Hub's backstop timeout"));
      }
    }
    dispatch();
  }

  /**
   * Moves every sink-facing deadline out by {@code pauseMs} after the Hub itself could not run (a
   * GC pause, a frozen VM, CPU steal). Messages the sinks sent meanwhile sit unread in socket
   * buffers, so without this the Hub would close healthy sessions as silent and expire leases that
   * their heartbeats had renewed, and re-run tasks that are still running.
   */
  public synchronized void forgivePause(long pauseMs) {
    if (pauseMs <= 0) {
      return;
    }
    long now = now();
    for (TaskRecord t : offered) {
      t.offerExpiresAt += pauseMs;
    }
    for (TaskRecord t : held) {
      t.leaseExpiresAt += pauseMs;
    }
    for (Session s : sessions.values()) {
      s.lastMessageAt = Math.min(now, s.lastMessageAt + pauseMs);
    }
    log.warn(
        "hub paused for {} ms; moved offer, lease and silence deadlines out by as much"
            + " ({} offers, {} leases, {} sessions)",
        pauseMs,
        offered.size(),
        held.size(),
        sessions.size());
  }

  private long backstopDeadline(TaskRecord t) {
    AttemptRecord.Builder h = t.currentAttemptRecord();
    long leasedAt = h == null ? t.updatedAt : h.getLeasedAtMs();
    long timeout = t.spec.getTimeoutSeconds();
    return leasedAt
        + (timeout > 0
            ? timeout * 1000 + config.backstopGrace().toMillis()
            : config.defaultBackstop().toMillis());
  }

  // -------------------------------------------------------------------------------------------
  // Stats, sinks, control
  // -------------------------------------------------------------------------------------------

  /** Queue statistics for one (type, tenant), or for every known queue when type is empty. */
  public synchronized QueueStatsResponse stats(String sinkType, String tenant) {
    QueueStatsResponse.Builder out = QueueStatsResponse.newBuilder().setObservedAtMs(now());
    if (!sinkType.isEmpty()) {
      out.addStats(statsFor(sinkType, tenant));
      return out.build();
    }
    Set<List<String>> keys = new LinkedHashSet<>();
    for (TaskRecord t : tasks.values()) {
      if (!t.isTerminal()) {
        keys.add(List.of(t.sinkType(), t.tenant()));
      }
    }
    for (SinkRecord s : sinks.values()) {
      if (s.session != null) {
        keys.add(List.of(s.sinkType, s.tenant.orElse("")));
      }
    }
    keys.forEach(k -> out.addStats(statsFor(k.get(0), k.get(1))));
    return out.build();
  }

  private QueueStats statsFor(String sinkType, String tenant) {
    long now = now();
    Predicate<TaskRecord> mine =
        t -> t.sinkType().equals(sinkType) && (tenant.isEmpty() || t.tenant().equals(tenant));
    long leased = offered.stream().filter(mine).count() + held.stream().filter(mine).count();
    long oldest = queues.oldestCreatedAt(sinkType, tenant);
    QueueStats.Builder b =
        QueueStats.newBuilder()
            .setSinkType(sinkType)
            .setTenantUuid(tenant)
            .setQueued(queues.queued(sinkType, tenant))
            .setLeased(leased)
            .setOldestQueuedAgeMs(oldest == 0 ? 0 : Math.max(0, now - oldest));
    int connected = 0;
    int busy = 0;
    int bp = 0;
    int draining = 0;
    int capacity = 0;
    for (SinkRecord s : sinks.values()) {
      if (s.session == null
          || !s.sinkType.equals(sinkType)
          || !s.tenant.orElse("").equals(tenant)) {
        continue;
      }
      connected++;
      capacity += s.concurrency;
      busy += s.held.isEmpty() ? 0 : 1;
      bp += s.backpressured ? 1 : 0;
      draining += s.draining ? 1 : 0;
    }
    return b.setConnectedSinks(connected)
        .setBusySinks(busy)
        .setBackpressuredSinks(bp)
        .setDrainingSinks(draining)
        .setCapacity(capacity)
        .build();
  }

  /** Sinks matching a request. */
  public synchronized List<Sink> sinks(ListSinksRequest r) {
    List<Sink> out = new ArrayList<>();
    for (SinkRecord s : sinks.values()) {
      if ((!r.getSinkType().isEmpty() && !r.getSinkType().equals(s.sinkType))
          || (!r.getTenantUuid().isEmpty() && !r.getTenantUuid().equals(s.tenant.orElse("")))
          || (!r.getIncludeOffline() && s.session == null)) {
        continue;
      }
      out.add(s.toProto());
    }
    return out;
  }

  /** Sends Reset / Kill / Force Kill to a connected sink. */
  public synchronized Sink control(String sinkUuid, SinkAction action, String reason)
      throws StatusException {
    SinkRecord s = sinks.get(sinkUuid);
    if (s == null) {
      throw Status.NOT_FOUND.withDescription("no sink with uuid '" + sinkUuid + "'").asException();
    }
    if (s.session == null) {
      throw Status.FAILED_PRECONDITION
          .withDescription("sink " + sinkUuid + " is not connected")
          .asException();
    }
    s.status =
        switch (action) {
          case RESET -> SinkStatus.RESETTING;
          case KILL -> SinkStatus.KILLING;
          case FORCE_KILL -> SinkStatus.FORCE_KILLING;
          default ->
              throw Status.INVALID_ARGUMENT
                  .withDescription("action: must be RESET, KILL or FORCE_KILL")
                  .asException();
        };
    Session session = s.session;
    for (TaskRecord t : new ArrayList<>(session.offered)) {
      withdrawOffer(t);
      requeue(t);
    }
    session.handle.send(
        HubMessage.newBuilder()
            .setControl(SinkControl.newBuilder().setAction(action).setReason(reason))
            .build());
    log.info("sink control sink={} action={} reason={}", sinkUuid, action, reason);
    dispatch();
    return s.toProto();
  }

  // -------------------------------------------------------------------------------------------
  // Transitions
  // -------------------------------------------------------------------------------------------

  /** Offers queued tasks to sessions with credit, one per session per round (spreads load). */
  private void dispatch() {
    if (queues.size() == 0 || sessions.isEmpty()) {
      return;
    }
    List<Session> order = new ArrayList<>(sessions.values());
    Collections.rotate(order, -(rotation++ % order.size()));
    boolean progress = true;
    while (progress && queues.size() > 0) {
      progress = false;
      for (Session s : order) {
        if (!s.canTakeOffer()) {
          continue;
        }
        TaskRecord t = queues.pollFor(s.sink.sinkType, s.sink.tenant);
        if (t != null) {
          offer(s, t);
          progress = true;
        }
      }
    }
  }

  private void offer(Session s, TaskRecord t) {
    long now = now();
    t.state = TaskState.OFFERED;
    t.session = s;
    t.offerExpiresAt = now + config.offerTimeout().toMillis();
    t.updatedAt = now;
    s.credits--;
    s.offered.add(t);
    offered.add(t);
    s.handle.send(
        HubMessage.newBuilder()
            .setOffer(
                TaskOffer.newBuilder()
                    .setTask(t.ref())
                    .setSinkType(t.sinkType())
                    .setTenantUuid(t.tenant())
                    .setEventType(t.spec.getEventType())
                    .setPayloadJson(t.spec.getPayloadJson())
                    .addAllParameters(
                        SubmitValidator.resolve(
                            t.spec.getPayloadJson(), t.spec.getParametersList()))
                    .setModule(t.spec.getModule())
                    .setTimeoutSeconds(t.spec.getTimeoutSeconds())
                    .setEnqueuedAtMs(t.spec.getCreatedAtMs()))
            .build());
  }

  private void withdrawOffer(TaskRecord t) {
    offered.remove(t);
    if (t.session != null) {
      t.session.offered.remove(t);
    }
    t.session = null;
  }

  private void requeue(TaskRecord t) {
    t.state = TaskState.QUEUED;
    t.updatedAt = now();
    queues.add(t);
  }

  private void releaseHold(TaskRecord t) {
    held.remove(t);
    SinkRecord sink = sinks.get(t.sinkUuid);
    if (sink != null) {
      sink.held.remove(t);
    }
    t.session = null;
  }

  /** The current attempt ended without a result: re-queue with attempt + 1, or give up. */
  private void endAttempt(TaskRecord t, String outcome) {
    long now = now();
    AttemptRecord.Builder h = t.currentAttemptRecord();
    if (h != null) {
      h.setOutcome(outcome).setEndedAtMs(now);
    }
    releaseHold(t);
    log.info("attempt ended task={} attempt={} outcome={}", t.id, t.attempt, outcome);
    if (t.cancelRequested) {
      finish(t, TaskState.ERROR, CANCELLED_RESULT_CODE, List.of("cancelled: " + t.cancelReason));
      return;
    }
    if (t.countedAttempts() >= t.spec.getMaxAttempts()) {
      finish(
          t,
          TaskState.ERROR,
          CANCELLED_RESULT_CODE,
          List.of(
              "gave up after "
                  + t.countedAttempts()
                  + " attempt(s) (max_attempts "
                  + t.spec.getMaxAttempts()
                  + "); last: "
                  + outcome));
      return;
    }
    t.attempt++;
    t.sinkUuid = "";
    t.state = TaskState.QUEUED;
    t.updatedAt = now;
    persist(t);
    queues.add(t);
  }

  private void finish(TaskRecord t, TaskState state, int code, List<String> messages) {
    long now = now();
    AttemptRecord.Builder h = t.currentAttemptRecord();
    if (h != null && h.getEndedAtMs() == 0) {
      h.setOutcome(state.name()).setEndedAtMs(now);
    }
    releaseHold(t);
    t.state = state;
    t.resultCode = code;
    t.messages = List.copyOf(messages);
    t.finishedAt = now;
    t.updatedAt = now;
    persist(t);
  }

  private void sendCancel(TaskRecord t) {
    t.session.handle.send(
        HubMessage.newBuilder()
            .setCancel(
                CancelTask.newBuilder()
                    .setTask(t.ref())
                    .setReason(t.cancelReason.isEmpty() ? "lease revoked" : t.cancelReason))
            .build());
  }

  private void persist(TaskRecord t) {
    journal.save(t.toProto(false), t.seq);
  }

  /** Counts for tests and the CLI. */
  public synchronized Map<TaskState, Long> countByState() {
    Map<TaskState, Long> out = new java.util.EnumMap<>(TaskState.class);
    for (TaskRecord t : tasks.values()) {
      out.merge(t.state, 1L, Long::sum);
    }
    return out;
  }
}
