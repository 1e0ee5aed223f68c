package io.nexomatic.sink.session;

import io.nexomatic.protocol.v1.Heartbeat;
import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.Welcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's pulse: a heartbeat per interval naming the attempts the sink holds, and the time
 * since the Hub last said anything, which ends a silent session and tells when leases have lapsed.
 */
final class Heartbeats {
  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  /** Heartbeats the Hub may leave unanswered before the sink ends the session. */
  static final int SILENT_HEARTBEATS = 3;

  private final SessionLoop loop;
  private final ControlChannel control;
  private final AttemptLedger ledger;
  private final HubSession.Listener listener;

  private SessionLoop.Timer timer;
  private long intervalMs;
  private long seq;
  private long lastContact;
  private long leaseTtlMs;

  Heartbeats(
      SessionLoop loop,
      ControlChannel control,
      AttemptLedger ledger,
      HubSession.Listener listener) {
    this.loop = loop;
    this.control = control;
    this.ledger = ledger;
    this.listener = listener;
  }

  /** The Hub said something. */
  void heardFromHub() {
    lastContact = loop.now();
  }

  /** A session was welcomed: beat at its interval, starting now. */
  void start(Welcome w) {
    intervalMs = w.getHeartbeatIntervalMs();
    leaseTtlMs = w.getLeaseTtlMs();
    timer = loop.every(this::beat, Math.max(100, intervalMs));
    beat();
  }

  /** The session ended. */
  void stop() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /** Milliseconds since the Hub last said anything. */
  long silentForMs() {
    return loop.now() - lastContact;
  }

  /** The last lease TTL a Hub announced (0: no session yet). */
  long leaseTtlMs() {
    return leaseTtlMs;
  }

  /**
   * No session for longer than the lease TTL: the Hub has re-queued every lease this sink holds.
   */
  boolean leasesLapsed() {
    return !control.isEstablished() && leaseTtlMs != 0 && silentForMs() > leaseTtlMs;
  }

  private void beat() {
    if (!control.isEstablished()) {
      return;
    }
    long silentFor = silentForMs();
    if (silentFor > silenceLimitMs(intervalMs, leaseTtlMs)) {
      // A half-open connection (no data, no FIN, no RST) shows only as silence. TCP keepalive
      // would notice after 30 s, past a short lease TTL; reconnecting now resumes the leases.
      log.warn(
          "the Hub has answered nothing for {} ms ({} heartbeats of {} ms unacknowledged):"
              + " ending the session to reconnect",
          silentFor,
          silentFor / Math.max(1, intervalMs),
          intervalMs);
      listener.connectionSilent();
      control.end("the Hub is silent");
      return;
    }
    Heartbeat.Builder hb =
        Heartbeat.newBuilder()
            .setSeq(++seq)
            .setQueueDepth(ledger.queueDepth())
            .setSentAtMs(loop.now());
    for (Attempt a : ledger.all()) {
      if (!a.is(Attempt.State.ACCEPTING) && a.state().resultOwed()) {
        hb.addHeld(a.ref);
      }
    }
    control.send(SinkMessage.newBuilder().setHeartbeat(hb));
  }

  /**
   * How long the Hub may stay silent before the session is ended: {@value #SILENT_HEARTBEATS}
   * heartbeat intervals, and never more than half the lease TTL, so a reconnect still finds its
   * leases.
   */
  static long silenceLimitMs(long heartbeatIntervalMs, long leaseTtlMs) {
    long limit = SILENT_HEARTBEATS * Math.max(100, heartbeatIntervalMs);
    return leaseTtlMs > 0 ? Math.min(limit, Math.max(leaseTtlMs / 2, heartbeatIntervalMs)) : limit;
  }
}
