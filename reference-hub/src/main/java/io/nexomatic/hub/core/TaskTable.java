package io.nexomatic.hub.core;

import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Every task the Hub knows and every index over them: the queues, the offers per session and the
 * leases per sink. A task changes place only through {@link #move}, which takes it out of the
 * indexes of its old place and puts it into those of the new one, so a task's state and the indexes
 * cannot disagree. Guarded by {@link HubCore}'s lock.
 */
final class TaskTable {
  private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
  private final Map<String, TaskRecord> byClientRequestId = new HashMap<>();
  private final TaskQueues queues = new TaskQueues();
  private final Set<TaskRecord> offered = new LinkedHashSet<>();
  private final Set<TaskRecord> held = new LinkedHashSet<>();
  private final Map<Session, Set<TaskRecord>> offeredBySession = new HashMap<>();
  private final Map<String, Set<TaskRecord>> heldBySink = new HashMap<>();
  private long nextSeq = 1;

  /** Adds a new task, queued behind every task added before it. */
  TaskRecord add(String id, Task spec) {
    TaskRecord t = new TaskRecord(id, nextSeq++, spec, TaskState.QUEUED);
    register(t);
    return t;
  }

  /** Adds a task read back from the journal, in the place its snapshot names. */
  void restore(TaskRecord t) {
    nextSeq = Math.max(nextSeq, t.seq + 1);
    register(t);
  }

  /**
   * Puts a rebuilt record in the place of the one it replaces (a failed journal write puts a task
   * back to its stored snapshot), in the indexes its own state names.
   */
  void replace(TaskRecord current, TaskRecord rebuilt) {
    unindex(current);
    register(rebuilt);
  }

  /** Forgets a task that was never stored (its first journal write failed). */
  void remove(TaskRecord t) {
    unindex(t);
    tasks.remove(t.id);
    byClientRequestId.remove(t.spec.getClientRequestId(), t);
  }

  private void register(TaskRecord t) {
    tasks.put(t.id, t);
    if (!t.spec.getClientRequestId().isEmpty()) {
      byClientRequestId.put(t.spec.getClientRequestId(), t);
    }
    index(t);
  }

  // -------------------------------------------------------------------------------------------
  // The one transition
  // -------------------------------------------------------------------------------------------

  /**
   * Moves a task to a state. {@code offeredTo} is the session of an OFFERED task (null for every
   * other state); {@code sinkUuid} the sink holding a LEASED or RUNNING one. A queued task holds no
   * sink; an ended one keeps the sink that last held it.
   */
  void move(TaskRecord t, TaskState to, Session offeredTo, String sinkUuid) {
    if ((to == TaskState.OFFERED) != (offeredTo != null)) {
      throw new IllegalArgumentException("a session goes with OFFERED and only with it: " + to);
    }
    if (isHeld(to) && sinkUuid.isEmpty()) {
      throw new IllegalArgumentException(to + " needs the sink that holds the lease");
    }
    String sink = to == TaskState.QUEUED ? "" : isHeld(to) ? sinkUuid : t.sinkUuid();
    if (isHeld(t.state()) && isHeld(to) && sink.equals(t.sinkUuid())) {
      t.place(to, null, sink); // LEASED → RUNNING: same indexes, same order
      return;
    }
    unindex(t);
    t.place(to, offeredTo, sink);
    index(t);
  }

  /** Moves a task back to its queue (an offer withdrawn, or a new attempt). */
  void queue(TaskRecord t) {
    move(t, TaskState.QUEUED, null, "");
  }

  /** Moves a task to an end state, keeping the sink that last held it. */
  void end(TaskRecord t, TaskState terminal) {
    move(t, terminal, null, t.sinkUuid());
  }

  private void index(TaskRecord t) {
    switch (t.state()) {
      case QUEUED -> queues.add(t);
      case OFFERED -> {
        offered.add(t);
        offeredBySession.computeIfAbsent(t.offeredTo(), s -> new LinkedHashSet<>()).add(t);
      }
      case LEASED, RUNNING -> {
        held.add(t);
        heldBySink.computeIfAbsent(t.sinkUuid(), s -> new LinkedHashSet<>()).add(t);
      }
      default -> {
        // Ended tasks are in no index.
      }
    }
  }

  private void unindex(TaskRecord t) {
    switch (t.state()) {
      case QUEUED -> queues.remove(t);
      case OFFERED -> {
        offered.remove(t);
        removeFrom(offeredBySession, t.offeredTo(), t);
      }
      case LEASED, RUNNING -> {
        held.remove(t);
        removeFrom(heldBySink, t.sinkUuid(), t);
      }
      default -> {
        // Ended tasks are in no index.
      }
    }
  }

  private static <K> void removeFrom(Map<K, Set<TaskRecord>> index, K key, TaskRecord t) {
    Set<TaskRecord> set = index.get(key);
    if (set != null && set.remove(t) && set.isEmpty()) {
      index.remove(key);
    }
  }

  private static boolean isHeld(TaskState s) {
    return s == TaskState.LEASED || s == TaskState.RUNNING;
  }

  // -------------------------------------------------------------------------------------------
  // Reads
  // -------------------------------------------------------------------------------------------

  TaskRecord get(String taskId) {
    return tasks.get(taskId);
  }

  TaskRecord byClientRequestId(String clientRequestId) {
    return byClientRequestId.get(clientRequestId);
  }

  /** Every task, oldest first. */
  Collection<TaskRecord> all() {
    return Collections.unmodifiableCollection(tasks.values());
  }

  /** The next queued task a sink of this type (pinned to a tenant, or not) would take, or null. */
  TaskRecord nextQueued(String sinkType, Optional<String> pinnedTenant) {
    return queues.peekFor(sinkType, pinnedTenant);
  }

  int queuedCount() {
    return queues.size();
  }

  long queuedCount(String sinkType, String tenant) {
    return queues.queued(sinkType, tenant);
  }

  long oldestQueuedCreatedAt(String sinkType, String tenant) {
    return queues.oldestCreatedAt(sinkType, tenant);
  }

  /** A copy of the OFFERED tasks, so callers may move them while iterating. */
  List<TaskRecord> offered() {
    return new ArrayList<>(offered);
  }

  /** A copy of the LEASED and RUNNING tasks. */
  List<TaskRecord> held() {
    return new ArrayList<>(held);
  }

  /** A copy of the tasks offered to a session and not yet accepted or declined. */
  List<TaskRecord> offeredTo(Session s) {
    return new ArrayList<>(offeredBySession.getOrDefault(s, Set.of()));
  }

  /** A copy of the tasks a sink holds (LEASED or RUNNING). */
  List<TaskRecord> heldBy(String sinkUuid) {
    return new ArrayList<>(heldBySink.getOrDefault(sinkUuid, Set.of()));
  }

  /** How many OFFERED, LEASED or RUNNING tasks match, without copying the indexes. */
  long countOfferedOrHeld(Predicate<TaskRecord> match) {
    return offered.stream().filter(match).count() + held.stream().filter(match).count();
  }

  int heldCount() {
    return held.size();
  }

  int heldCount(String sinkUuid) {
    return heldBySink.getOrDefault(sinkUuid, Set.of()).size();
  }

  int offeredCount(Session s) {
    return offeredBySession.getOrDefault(s, Set.of()).size();
  }

  /**
   * Checks that every task sits in exactly the indexes its state names, and nothing else sits in
   * them; throws naming the first disagreement. For tests, which call it after every step.
   */
  void checkConsistent() {
    int queued = 0;
    for (TaskRecord t : tasks.values()) {
      TaskState s = t.state();
      check(queues.contains(t) == (s == TaskState.QUEUED), t, "queue membership");
      check(offered.contains(t) == (s == TaskState.OFFERED), t, "offered set");
      check(held.contains(t) == isHeld(s), t, "held set");
      check((t.offeredTo() != null) == (s == TaskState.OFFERED), t, "offer session");
      if (s == TaskState.OFFERED) {
        check(offeredBySession.get(t.offeredTo()).contains(t), t, "offers of its session");
      }
      if (isHeld(s)) {
        check(!t.sinkUuid().isEmpty(), t, "holding sink");
        check(heldBySink.get(t.sinkUuid()).contains(t), t, "leases of its sink");
      }
      if (s == TaskState.QUEUED) {
        check(t.sinkUuid().isEmpty(), t, "no sink while queued");
        queued++;
      }
    }
    checkCount(queued, queues.size(), "queued");
    checkCount(offered.size(), sizeOf(offeredBySession), "offered per session");
    checkCount(held.size(), sizeOf(heldBySink), "held per sink");
  }

  private static void check(boolean ok, TaskRecord t, String what) {
    if (!ok) {
      throw new IllegalStateException(
          "task " + t.id + " is " + t.state() + " but its " + what + " disagrees");
    }
  }

  private static void checkCount(int expected, int actual, String what) {
    if (expected != actual) {
      throw new IllegalStateException(what + ": index holds " + actual + ", tasks " + expected);
    }
  }

  private static int sizeOf(Map<?, Set<TaskRecord>> index) {
    return index.values().stream().mapToInt(Set::size).sum();
  }
}
