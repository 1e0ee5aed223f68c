package io.nexomatic.hub.core;

import io.grpc.Status;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.protocol.v1.AttemptRecord;
import io.nexomatic.protocol.v1.TaskState;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hub's deadlines: offers not accepted in time, sessions gone silent, leases no heartbeat
 * renewed, attempts past their backstop; and the forgiveness of all of them after the Hub itself
 * could not run. Guarded by {@link HubCore}'s lock.
 */
final class LeaseTimers {
  private static final Logger log = LoggerFactory.getLogger(LeaseTimers.class);

  private final HubConfig config;
  private final TaskTable table;
  private final SessionRegistry registry;
  private final TaskLifecycle lifecycle;
  private final SessionLifecycle sessions;
  private final Outbox outbox;

  LeaseTimers(
      HubConfig config,
      TaskTable table,
      SessionRegistry registry,
      TaskLifecycle lifecycle,
      SessionLifecycle sessions,
      Outbox outbox) {
    this.config = config;
    this.table = table;
    this.registry = registry;
    this.lifecycle = lifecycle;
    this.sessions = sessions;
    this.outbox = outbox;
  }

  /** Expires offers and leases, closes silent sessions and applies the backstop. */
  void expire() {
    long now = lifecycle.now();
    for (TaskRecord t : table.offered()) {
      if (now >= t.offerExpiresAt) {
        lifecycle.returnOffer(t);
      }
    }
    long silentLimit = 3 * config.heartbeatInterval().toMillis();
    for (Session s : registry.sessions()) {
      if (now - s.lastMessageAt > silentLimit) {
        outbox.close(
            s,
            Status.UNAVAILABLE.withDescription(
                "no message from the sink for "
                    + (now - s.lastMessageAt)
                    + " ms (heartbeat interval "
                    + config.heartbeatInterval().toMillis()
                    + " ms)"));
        sessions.close(s, "silent");
      }
    }
    for (TaskRecord t : table.held()) {
      if (now >= t.leaseExpiresAt) {
        lifecycle.revoke(t);
        lifecycle.endAttempt(
            t,
            TaskRecord.LEASE_EXPIRED
                + " (no heartbeat named it for "
                + config.leaseTtl().toMillis()
                + " ms)");
      } else if (now >= backstopDeadline(t)) {
        lifecycle.revoke(t);
        AttemptRecord.Builder h = t.currentAttemptRecord();
        if (h != null) {
          h.setOutcome("backstop: no result in time").setEndedAtMs(now);
        }
        lifecycle.finish(
            t,
            TaskState.ERROR,
            TaskLifecycle.HUB_ENDED_RESULT_CODE,
            List.of("no result from sink " + t.sinkUuid() + " within the Hub's backstop timeout"));
      }
    }
  }

  /**
   * Moves every sink-facing deadline out by {@code pauseMs} after the Hub itself could not run (a
   * GC pause, a frozen VM, CPU steal). Messages the sinks sent meanwhile sit unread in socket
   * buffers, so without this the Hub would close healthy sessions as silent and expire leases that
   * their heartbeats had renewed, and re-run tasks that are still running.
   */
  void forgivePause(long pauseMs) {
    if (pauseMs <= 0) {
      return;
    }
    long now = lifecycle.now();
    List<TaskRecord> offered = table.offered();
    List<TaskRecord> held = table.held();
    List<Session> open = registry.sessions();
    offered.forEach(t -> t.offerExpiresAt += pauseMs);
    held.forEach(t -> t.leaseExpiresAt += pauseMs);
    open.forEach(s -> s.lastMessageAt = Math.min(now, s.lastMessageAt + pauseMs));
    log.warn(
        "hub paused for {} ms; moved offer, lease and silence deadlines out by as much"
            + " ({} offers, {} leases, {} sessions)",
        pauseMs,
        offered.size(),
        held.size(),
        open.size());
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
}
