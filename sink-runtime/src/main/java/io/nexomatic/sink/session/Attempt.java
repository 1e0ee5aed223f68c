package io.nexomatic.sink.session;

import io.nexomatic.protocol.v1.Release;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.TaskOffer;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.sink.exec.RunningTask;
import io.nexomatic.sink.tracing.AttemptTrace;
import java.util.EnumSet;
import java.util.Set;

/** One attempt the sink holds, from Accept until the Hub has its result and its whole log. */
final class Attempt {
  /**
   * Where the attempt is. {@link #moveTo} is the only way it changes, and only along the arrows
   * each state lists, so a late callback cannot, say, run an attempt whose result is already out.
   */
  enum State {
    /** Accepted, waiting for LeaseGrant: must not run yet. */
    ACCEPTING,
    /** Leased, waiting for a free slot. */
    WAITING,
    /** Its process runs. */
    RUNNING,
    /** Its process runs but has been recalled: when it ends it is handed back, not reported. */
    RECALLED,
    /** Ended: its result (or release) is held and resent until the Hub acknowledges it. */
    REPORTED,
    /** The Hub holds its result; only its log may still be owed. */
    ACKNOWLEDGED;

    private Set<State> next() {
      return switch (this) {
        // A cancel before the lease ends an accepted attempt at once.
        case ACCEPTING -> EnumSet.of(WAITING, REPORTED);
        case WAITING -> EnumSet.of(RUNNING, REPORTED);
        case RUNNING -> EnumSet.of(RECALLED, REPORTED);
        // A second recall (drain deadline, then force kill) only changes its reason.
        case RECALLED -> EnumSet.of(RECALLED, REPORTED);
        case REPORTED -> EnumSet.of(ACKNOWLEDGED);
        case ACKNOWLEDGED -> EnumSet.noneOf(State.class);
      };
    }

    /** Holds one of the sink's slots: counts against its concurrency. */
    boolean occupiesSlot() {
      return this == RUNNING || this == RECALLED;
    }

    /** The Hub does not have this attempt's result yet. */
    boolean resultOwed() {
      return this != ACKNOWLEDGED;
    }
  }

  final TaskRef ref;
  final TaskOffer offer;
  final LogBuffer log = new LogBuffer();
  final AttemptTrace trace;
  private State state = State.ACCEPTING;
  private RunningTask running;
  private SinkMessage report;
  private String recallReason;

  Attempt(TaskOffer offer, AttemptTrace trace) {
    this.offer = offer;
    this.ref = offer.getTask();
    this.trace = trace;
  }

  State state() {
    return state;
  }

  boolean is(State s) {
    return state == s;
  }

  private void moveTo(State next) {
    if (!state.next().contains(next)) {
      throw new IllegalStateException(
          "attempt " + ref.getTaskId() + "/" + ref.getAttempt() + ": " + state + " -> " + next);
    }
    state = next;
  }

  /** The Hub granted the lease: the attempt may run once a slot is free. */
  void leased() {
    moveTo(State.WAITING);
    trace.leased();
  }

  /** Its process was started. */
  void started(RunningTask task) {
    moveTo(State.RUNNING);
    running = task;
  }

  /** When it ends, hand it back with {@code reason} instead of reporting its result. */
  void recall(String reason) {
    moveTo(State.RECALLED);
    recallReason = reason;
  }

  /** The reason it is handed back with when it ends, or null when it is reported. */
  String recallReason() {
    return recallReason;
  }

  /**
   * It ended with {@code result}; the result is held until the Hub acknowledges it, and carries its
   * result span's context (also when it is resent after a reconnect).
   */
  void reported(TaskResult result) {
    moveTo(State.REPORTED);
    TaskResult traced = result.toBuilder().setTraceContext(trace.reported(result)).build();
    report = SinkMessage.newBuilder().setResult(traced).build();
  }

  /**
   * It ended and is handed back; the Hub re-queues it. Never started, it produced no output, so its
   * log is not owed.
   */
  void released(Release release) {
    moveTo(State.REPORTED);
    Release traced = release.toBuilder().setTraceContext(trace.released(release)).build();
    report = SinkMessage.newBuilder().setRelease(traced).build();
    if (!release.getStarted()) {
      log.discard();
    }
  }

  /** The Hub holds its result (or release), as {@code disposition} says. */
  void acknowledged(ResultDisposition disposition) {
    moveTo(State.ACKNOWLEDGED);
    trace.acknowledged(disposition);
  }

  /** The result or release to (re)send, once it ended. */
  SinkMessage report() {
    return report;
  }

  /** Its process, once started. */
  RunningTask running() {
    return running;
  }

  /** Kills its process group if it still runs (fenced, revoked, or the sink stops). */
  void killIfRunning() {
    if (running != null && running.isRunning()) {
      running.forceKill();
    }
  }

  /** The Hub holds its result and its whole log (or wants no log): nothing more is owed. */
  boolean delivered() {
    return state == State.ACKNOWLEDGED && log.done();
  }
}
