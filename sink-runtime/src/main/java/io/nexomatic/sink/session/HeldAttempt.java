package io.nexomatic.sink.session;

import io.nexomatic.protocol.v1.Release;
import io.nexomatic.protocol.v1.TaskOffer;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.sink.exec.RunningTask;

/** One attempt the sink holds, from Accept until the Hub has its result and its whole log. */
final class HeldAttempt {
  /** Where the attempt is. */
  enum State {
    /** Accepted, waiting for LeaseGrant: must not run yet. */
    ACCEPTING,
    /** Leased, waiting for a free slot. */
    WAITING,
    /** Its process runs. */
    RUNNING,
    /** Ended: its result (or release) is held until the Hub acknowledges it. */
    FINISHED
  }

  final TaskRef ref;
  final TaskOffer offer;
  State state = State.ACCEPTING;
  RunningTask running;
  TaskResult result;
  Release release;

  /** When set, the attempt is handed back (Release) instead of reported when it ends. */
  String releaseOnEnd;

  boolean resultAcked;
  LogBuffer log = new LogBuffer();

  /** Highest offset sent on the current log stream (-1: resend from the acknowledged offset). */
  long logSentUpTo = -1;

  boolean eofSent;

  /** The Hub does not want this attempt's log (fenced). */
  boolean logDiscarded;

  /** The Hub holds the whole log, or does not want it. */
  boolean logDone() {
    return logDiscarded || log.complete();
  }

  HeldAttempt(TaskOffer offer) {
    this.offer = offer;
    this.ref = offer.getTask();
  }
}
