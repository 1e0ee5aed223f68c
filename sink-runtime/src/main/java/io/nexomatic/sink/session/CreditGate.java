package io.nexomatic.sink.session;

import io.nexomatic.protocol.v1.Backpressure;
import io.nexomatic.protocol.v1.CreditGrant;
import io.nexomatic.protocol.v1.SinkMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much work the sink asks the Hub for: credits granted per session, credits owed while the sink
 * cannot grant them, the MAX_TASKS budget, and back-pressure with hysteresis. Every credit the sink
 * sends goes through {@link #grant}, so the budget cannot be overspent by a second path.
 */
final class CreditGate {
  private static final Logger log = LoggerFactory.getLogger(CreditGate.class);

  private final SessionSettings settings;
  private final AttemptLedger ledger;
  private final ControlChannel control;

  private boolean backpressured;

  /** Credits withheld while back-pressured or between sessions, granted when that ends. */
  private int owedCredits;

  /** Credits granted on this session that no offer has consumed yet (MAX_TASKS accounting). */
  private int creditsOutstanding;

  /** Attempts leased to this sink over its whole life (MAX_TASKS accounting). */
  private int leasesTaken;

  CreditGate(SessionSettings settings, AttemptLedger ledger, ControlChannel control) {
    this.settings = settings;
    this.ledger = ledger;
    this.control = control;
  }

  /** A session was established. The Hub counts credits per session: the new one starts at zero. */
  void sessionStarted() {
    owedCredits = 0;
    creditsOutstanding = 0;
  }

  /** The credits a fresh session asks for: every free slot plus the prefetch. */
  void grantOpening() {
    int active = ledger.count(Attempt.State.WAITING) + ledger.slotsInUse();
    grant(settings.concurrency() + settings.prefetch() - active);
  }

  /** Grants up to {@code credits}, within the budget; owed instead while they cannot be sent. */
  void grant(int credits) {
    long budget = (long) budgetLeft() - creditsOutstanding;
    credits = (int) Math.min(credits, budget);
    if (credits <= 0) {
      return;
    }
    if (backpressured || !control.isEstablished()) {
      owedCredits += credits;
      return;
    }
    creditsOutstanding += credits;
    control.send(SinkMessage.newBuilder().setCredit(CreditGrant.newBuilder().setCredits(credits)));
  }

  /** An offer arrived: it consumed one credit. */
  void offerReceived() {
    creditsOutstanding = Math.max(0, creditsOutstanding - 1);
  }

  /** A lease was granted: it counts against MAX_TASKS whatever becomes of it. */
  void leaseTaken() {
    leasesTaken++;
  }

  /**
   * Tasks this sink may still take: unlimited (MAX_VALUE) without MAX_TASKS, else the budget minus
   * the leases taken and the accepted offers still waiting for theirs.
   */
  int budgetLeft() {
    if (settings.maxTasks() <= 0) {
      return Integer.MAX_VALUE;
    }
    return settings.maxTasks() - leasesTaken - ledger.count(Attempt.State.ACCEPTING);
  }

  /** A MAX_TASKS budget is set and every task of it has been leased. */
  boolean budgetSpent() {
    return settings.maxTasks() > 0 && leasesTaken >= settings.maxTasks();
  }

  /**
   * Engages at the threshold, releases at half of it, so the signal does not flap; on release,
   * grants what it withheld if the sink still takes work.
   */
  void update(boolean takesWork) {
    int depth = ledger.queueDepth();
    int threshold = settings.backpressureThreshold();
    boolean engage = !backpressured && depth >= threshold;
    boolean release = backpressured && depth <= threshold / 2;
    if (!engage && !release) {
      return;
    }
    backpressured = engage;
    log.info(
        "back-pressure {} depth={} threshold={}",
        engage ? "engaged" : "released",
        depth,
        threshold);
    sendBackpressure(engage, depth);
    if (release && owedCredits > 0 && takesWork) {
      int owed = owedCredits;
      owedCredits = 0;
      grant(owed);
    }
  }

  /** A new session learns that the sink is still back-pressured. */
  void repeatBackpressure() {
    if (backpressured) {
      sendBackpressure(true, ledger.queueDepth());
    }
  }

  private void sendBackpressure(boolean engaged, int depth) {
    control.send(
        SinkMessage.newBuilder()
            .setBackpressure(
                Backpressure.newBuilder()
                    .setEngaged(engaged)
                    .setQueueDepth(depth)
                    .setThreshold(settings.backpressureThreshold())));
  }
}
