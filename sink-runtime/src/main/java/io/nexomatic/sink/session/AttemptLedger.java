package io.nexomatic.sink.session;

import io.nexomatic.protocol.v1.HeldState;
import io.nexomatic.protocol.v1.HeldTask;
import io.nexomatic.protocol.v1.TaskRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Every attempt the sink holds, in arrival order. An attempt leaves only when the Hub has its
 * result and log, or no longer leases it to this sink: that is what "no task lost" rests on.
 */
final class AttemptLedger {
  private final Map<TaskRef, Attempt> attempts = new LinkedHashMap<>();

  void add(Attempt a) {
    attempts.put(a.ref, a);
  }

  /** The attempt held for {@code ref}, or null. */
  Attempt get(TaskRef ref) {
    return attempts.get(ref);
  }

  /** Whether {@code a} is still held: a callback of a dropped attempt finds it is not. */
  boolean holds(Attempt a) {
    return attempts.get(a.ref) == a;
  }

  /** Forgets {@code a}: its spans that are still open end here. */
  void remove(Attempt a) {
    attempts.remove(a.ref);
    a.trace.ended("no longer held by the sink");
  }

  /** Live view, in arrival order; callers that change the ledger while iterating take a copy. */
  Collection<Attempt> all() {
    return attempts.values();
  }

  List<Attempt> where(Predicate<Attempt> p) {
    List<Attempt> matching = new ArrayList<>();
    for (Attempt a : attempts.values()) {
      if (p.test(a)) {
        matching.add(a);
      }
    }
    return matching;
  }

  int count(Predicate<Attempt> p) {
    return where(p).size();
  }

  int count(Attempt.State s) {
    return count(a -> a.is(s));
  }

  /** Attempts whose result the Hub does not hold yet. */
  List<Attempt> resultOwed() {
    return where(a -> a.state().resultOwed());
  }

  /**
   * What a new session's Hello resumes: every attempt whose result the Hub does not hold yet. One
   * whose result it holds owes only its log, which the log stream carries.
   */
  List<HeldTask> resumable() {
    List<HeldTask> held = new ArrayList<>();
    for (Attempt a : resultOwed()) {
      HeldState state =
          a.is(Attempt.State.REPORTED) ? HeldState.HELD_FINISHED : HeldState.HELD_RUNNING;
      held.add(HeldTask.newBuilder().setTask(a.ref).setState(state).build());
    }
    return held;
  }

  /** Attempts occupying a slot (running). */
  int slotsInUse() {
    return count(a -> a.state().occupiesSlot());
  }

  /** Leased attempts waiting for a slot plus results the Hub has not acked. */
  int queueDepth() {
    return count(a -> a.is(Attempt.State.WAITING) || a.is(Attempt.State.REPORTED));
  }

  /** Drops the accepted offers: they died with their session and the Hub re-queued them. */
  void forgetAccepting() {
    for (Attempt a : where(a -> a.is(Attempt.State.ACCEPTING))) {
      attempts.remove(a.ref);
      a.trace.ended("session ended before the lease was granted");
    }
  }

  boolean isEmpty() {
    return attempts.isEmpty();
  }

  int size() {
    return attempts.size();
  }
}
