package io.nexomatic.hub.core;

import io.grpc.Status;
import io.grpc.StatusException;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.auth.Principal;
import io.nexomatic.protocol.v1.HeldTask;
import io.nexomatic.protocol.v1.Hello;
import io.nexomatic.protocol.v1.ResumeDecision;
import io.nexomatic.protocol.v1.ResumeVerdict;
import io.nexomatic.protocol.v1.SinkAction;
import io.nexomatic.protocol.v1.SinkStatus;
import io.nexomatic.protocol.v1.TaskRef;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens, resumes, supersedes and closes sessions: the moments a sink's leases pass from one
 * connection to the next, or end. Guarded by {@link HubCore}'s lock.
 */
final class SessionLifecycle {
  private static final Logger log = LoggerFactory.getLogger(SessionLifecycle.class);

  private final HubConfig config;
  private final TaskTable table;
  private final SessionRegistry registry;
  private final TaskLifecycle lifecycle;
  private final Dispatcher dispatcher;
  private final Outbox outbox;

  SessionLifecycle(
      HubConfig config,
      TaskTable table,
      SessionRegistry registry,
      TaskLifecycle lifecycle,
      Dispatcher dispatcher,
      Outbox outbox) {
    this.config = config;
    this.table = table;
    this.registry = registry;
    this.lifecycle = lifecycle;
    this.dispatcher = dispatcher;
    this.outbox = outbox;
  }

  /**
   * Establishes a session for a validated Hello: sends Welcome with a verdict per resumed task, and
   * re-queues the leases of this sink that the Hello does not mention.
   */
  Session open(Hello hello, Principal.SinkClient principal, SessionHandle handle)
      throws StatusException {
    checkIdentity(hello, principal);
    long now = lifecycle.now();
    SinkRecord sink = registry.sink(hello.getSinkUuid());
    if (sink != null && !sink.sinkType.equals(hello.getSinkType())) {
      throw Status.PERMISSION_DENIED
          .withDescription("sink " + hello.getSinkUuid() + " is registered with another Sink Type")
          .asException();
    }
    sink =
        registry.sinkOrRegister(hello.getSinkUuid(), hello.getSinkType(), principal.tenantUuid());
    if (sink.session != null) {
      // A reconnect raced a half-open connection: the newer session wins.
      Session old = sink.session;
      outbox.close(
          old, Status.ABORTED.withDescription("superseded by a newer session of this sink"));
      close(old, "superseded");
    }
    Session s = new Session(UUID.randomUUID().toString(), sink, handle, now);
    registry.attach(s);
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

    List<TaskRecord> kept = new ArrayList<>();
    List<ResumeDecision> decisions = new ArrayList<>();
    for (HeldTask h : hello.getResumeList()) {
      decisions.add(resume(s, h, kept));
    }
    outbox.welcome(s, decisions);
    // The sink uuid lives as long as the sink process, so a lease it does not mention is one the
    // process no longer holds: re-queue it now instead of waiting for the TTL.
    for (TaskRecord t : table.heldBy(sink.uuid)) {
      if (!kept.contains(t)) {
        lifecycle.endAttempt(
            t, TaskRecord.LEASE_EXPIRED + ": the sink resumed its session without it");
      }
    }
    for (TaskRecord t : kept) {
      if (t.cancelRequested) {
        outbox.cancel(s, t);
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

  private static void checkIdentity(Hello hello, Principal.SinkClient principal)
      throws StatusException {
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
  }

  private ResumeDecision resume(Session s, HeldTask h, List<TaskRecord> kept) {
    TaskRef ref = h.getTask();
    TaskRecord t = table.get(ref.getTaskId());
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
                  + t.state()
                  + ")")
          .build();
    }
    if (t.isTerminal()) {
      return d.setVerdict(ResumeVerdict.FENCED)
          .setReason("the task already ended " + t.state())
          .build();
    }
    if (!t.isHeld() || !t.sinkUuid().equals(s.sink.uuid)) {
      return d.setVerdict(ResumeVerdict.FENCED)
          .setReason("the task is not leased to this sink")
          .build();
    }
    t.leaseExpiresAt = lifecycle.now() + config.leaseTtl().toMillis();
    kept.add(t);
    return d.setVerdict(ResumeVerdict.KEEP).build();
  }

  /** Sends Reset / Kill / Force Kill to a connected sink; its open offers go back first. */
  SinkRecord control(String sinkUuid, SinkAction action, String reason) throws StatusException {
    SinkRecord s = registry.sink(sinkUuid);
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
    lifecycle.returnOffers(session);
    outbox.control(session, action, reason);
    log.info("sink control sink={} action={} reason={}", sinkUuid, action, reason);
    dispatcher.dispatch();
    return s;
  }

  /** The session's stream ended: offers go back to the queue; leases run their TTL. */
  void close(Session s, String why) {
    if (s.closed) {
      return;
    }
    s.closed = true;
    lifecycle.returnOffers(s);
    SinkRecord sink = s.sink;
    if (registry.detach(s)) {
      sink.status = SinkStatus.OFFLINE;
      sink.backpressured = false;
    }
    log.info(
        "session closed sink={} reason={} held={}", sink.uuid, why, table.heldCount(sink.uuid));
    dispatcher.dispatch();
  }
}
