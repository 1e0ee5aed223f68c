package io.nexomatic.hub.core;

import java.util.Collections;
import java.util.List;

/**
 * Offers queued tasks to sessions with credit, one per session per round, starting each dispatch at
 * the next session so that load spreads. Guarded by {@link HubCore}'s lock.
 */
final class Dispatcher {
  private final TaskTable table;
  private final SessionRegistry registry;
  private final TaskLifecycle lifecycle;
  private final JournalHealth health;
  private int rotation;

  Dispatcher(
      TaskTable table, SessionRegistry registry, TaskLifecycle lifecycle, JournalHealth health) {
    this.table = table;
    this.registry = registry;
    this.lifecycle = lifecycle;
    this.health = health;
  }

  /**
   * Offers until no session with credit has a task it can take. Makes no offer while the journal
   * takes no writes: the lease an accepted offer needs could not be recorded.
   */
  void dispatch() {
    if (table.queuedCount() == 0 || !registry.hasSessions() || !health.writable()) {
      return;
    }
    List<Session> order = registry.sessions();
    Collections.rotate(order, -(rotation++ % order.size()));
    boolean progress = true;
    while (progress && table.queuedCount() > 0) {
      progress = false;
      for (Session s : order) {
        if (!s.canTakeOffer()) {
          continue;
        }
        TaskRecord t = table.nextQueued(s.sink.sinkType, s.sink.tenant);
        if (t != null) {
          lifecycle.offer(s, t);
          progress = true;
        }
      }
    }
  }
}
