package io.nexomatic.hub.core;

import io.grpc.Status;
import io.grpc.StatusException;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.protocol.v1.Accept;
import io.nexomatic.protocol.v1.Backpressure;
import io.nexomatic.protocol.v1.Decline;
import io.nexomatic.protocol.v1.Heartbeat;
import io.nexomatic.protocol.v1.HeartbeatAck;
import io.nexomatic.protocol.v1.Release;
import io.nexomatic.protocol.v1.ResultAck;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskStarted;
import io.nexomatic.protocol.v1.TaskState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Hub does with each message of an established session, once the gRPC layer has checked
 * its shape. Guarded by {@link HubCore}'s lock.
 */
final class SessionMessages {
  private static final Logger log = LoggerFactory.getLogger(SessionMessages.class);

  /** Most offers a sink may have granted and not yet received. */
  private static final long MAX_OUTSTANDING_CREDITS = 100_000;

  private final HubConfig config;
  private final TaskTable table;
  private final TaskLifecycle lifecycle;
  private final Dispatcher dispatcher;
  private final ResultJudge judge;
  private final Outbox outbox;

  SessionMessages(
      HubConfig config,
      TaskTable table,
      TaskLifecycle lifecycle,
      Dispatcher dispatcher,
      Outbox outbox) {
    this.config = config;
    this.table = table;
    this.lifecycle = lifecycle;
    this.dispatcher = dispatcher;
    this.judge = new ResultJudge(config, table, lifecycle);
    this.outbox = outbox;
  }

  void touch(Session s) {
    long now = lifecycle.now();
    s.lastMessageAt = now;
    s.sink.lastSeen = now;
  }

  void onCredit(Session s, int credits) throws StatusException {
    if (credits <= 0 || s.credits + credits > MAX_OUTSTANDING_CREDITS) {
      throw Status.INVALID_ARGUMENT
          .withDescription("CreditGrant.credits must be between 1 and 100000 outstanding")
          .asException();
    }
    s.credits += credits;
    dispatcher.dispatch();
  }

  void onAccept(Session s, Accept accept) {
    TaskRef ref = accept.getTask();
    TaskRecord t = table.get(ref.getTaskId());
    if (t == null) {
      outbox.leaseDenied(s, ref, "unknown task id '" + ref.getTaskId() + "'");
    } else if (!isOfferedTo(t, s, ref)) {
      outbox.leaseDenied(
          s,
          ref,
          "task "
              + ref.getTaskId()
              + " attempt "
              + ref.getAttempt()
              + " is not offered to this session (offer expired or withdrawn; it is "
              + t.state()
              + " at attempt "
              + t.attempt
              + ")");
    } else {
      lifecycle.lease(s, t, accept.getTraceContext());
    }
  }

  void onDecline(Session s, Decline decline) {
    TaskRecord t = table.get(decline.getTask().getTaskId());
    // A decline withdraws the rest of the sink's credit, so a declined task is never offered
    // straight back to the sink that refused it.
    s.credits = 0;
    if (t != null && isOfferedTo(t, s, decline.getTask())) {
      lifecycle.returnOffer(t);
    }
    dispatcher.dispatch();
  }

  private static boolean isOfferedTo(TaskRecord t, Session s, TaskRef ref) {
    return t.state() == TaskState.OFFERED && t.offeredTo() == s && t.attempt == ref.getAttempt();
  }

  void onStarted(Session s, TaskStarted started) {
    TaskRecord t = heldBy(s, started.getTask());
    if (t != null && t.state() == TaskState.LEASED) {
      lifecycle.start(t, started.getStartedAtMs());
    }
  }

  void onResult(Session s, TaskResult result) {
    ResultAck ack = judge.judge(s, result);
    if (ack.getDisposition() != ResultDisposition.RECORDED) {
      log.info(
          "result not recorded task={} attempt={} disposition={} detail={}",
          result.getTask().getTaskId(),
          result.getTask().getAttempt(),
          ack.getDisposition(),
          ack.getDetail());
    }
    outbox.resultAck(s, ack);
  }

  void onRelease(Session s, Release release) {
    ResultAck.Builder ack = ResultAck.newBuilder().setTask(release.getTask());
    TaskRecord t = heldBy(s, release.getTask());
    if (t == null) {
      TaskRecord any = table.get(release.getTask().getTaskId());
      ack.setDisposition(
              any != null && any.attempt != release.getTask().getAttempt()
                  ? ResultDisposition.STALE_ATTEMPT
                  : ResultDisposition.REJECTED)
          .setDetail("the task is not leased to this sink at that attempt");
    } else {
      var h = t.currentAttemptRecord();
      if (h != null && release.getStarted()) {
        h.setStarted(true);
      }
      lifecycle.endAttempt(t, "released: " + release.getReason());
      ack.setDisposition(ResultDisposition.RELEASED);
    }
    outbox.resultAck(s, ack.build());
    dispatcher.dispatch();
  }

  /** Renews the leases the heartbeat names; revokes those the sink no longer holds here. */
  void onHeartbeat(Session s, Heartbeat hb) {
    long expires = lifecycle.now() + config.leaseTtl().toMillis();
    HeartbeatAck.Builder ack = HeartbeatAck.newBuilder().setSeq(hb.getSeq());
    for (TaskRef ref : hb.getHeldList()) {
      TaskRecord t = table.get(ref.getTaskId());
      if (t != null && t.attempt == ref.getAttempt() && t.sinkUuid().equals(s.sink.uuid)) {
        if (t.isHeld()) {
          t.leaseExpiresAt = expires;
          continue;
        }
        if (t.isTerminal()) {
          continue; // its result is recorded; the sink will learn it from the ResultAck
        }
      }
      ack.addRevoked(ref);
    }
    outbox.heartbeatAck(s, ack.build());
  }

  void onBackpressure(Session s, Backpressure bp) {
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
      dispatcher.dispatch();
    }
  }

  void onDraining(Session s) {
    s.sink.draining = true;
    s.credits = 0;
    lifecycle.returnOffers(s);
    log.info("sink draining sink={} held={}", s.sink.uuid, table.heldCount(s.sink.uuid));
    dispatcher.dispatch();
  }

  private TaskRecord heldBy(Session s, TaskRef ref) {
    TaskRecord t = table.get(ref.getTaskId());
    if (t == null
        || !t.isHeld()
        || t.attempt != ref.getAttempt()
        || !t.sinkUuid().equals(s.sink.uuid)) {
      return null;
    }
    return t;
  }
}
