package io.nexomatic.hub.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sinks the Hub has seen, connected or not, and their open sessions: at most one per sink.
 * Guarded by {@link HubCore}'s lock.
 */
final class SessionRegistry {
  private final Map<String, SinkRecord> sinks = new LinkedHashMap<>();
  private final Map<String, Session> sessions = new LinkedHashMap<>();

  SinkRecord sink(String sinkUuid) {
    return sinks.get(sinkUuid);
  }

  /** The sink with this uuid, registered (offline) first when the Hub has not seen it. */
  SinkRecord sinkOrRegister(String sinkUuid, String sinkType, Optional<String> tenant) {
    return sinks.computeIfAbsent(sinkUuid, u -> new SinkRecord(u, sinkType, tenant));
  }

  Collection<SinkRecord> sinks() {
    return Collections.unmodifiableCollection(sinks.values());
  }

  Session session(String sessionId) {
    return sessions.get(sessionId);
  }

  /** A copy of the open sessions, in the order they opened. */
  List<Session> sessions() {
    return new ArrayList<>(sessions.values());
  }

  boolean hasSessions() {
    return !sessions.isEmpty();
  }

  /** Makes a new session its sink's current one. */
  void attach(Session s) {
    sessions.put(s.id, s);
    s.sink.session = s;
  }

  /** Forgets a closed session; returns whether it was still its sink's current one. */
  boolean detach(Session s) {
    sessions.remove(s.id);
    if (s.sink.session != s) {
      return false;
    }
    s.sink.session = null;
    return true;
  }

  /**
   * The session that speaks for a task now: the one it is offered to, or the current session of the
   * sink holding its lease (a lease outlives sessions, so it is not bound to one); null when none
   * is connected.
   */
  Session sessionOf(TaskRecord t) {
    if (t.offeredTo() != null) {
      return t.offeredTo();
    }
    SinkRecord sink = t.isHeld() ? sinks.get(t.sinkUuid()) : null;
    return sink == null ? null : sink.session;
  }
}
