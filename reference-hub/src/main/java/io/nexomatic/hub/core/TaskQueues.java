package io.nexomatic.hub.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * FIFO queues per (Sink Type, tenant). A tenant-pinned sink takes from its tenant's queue only; an
 * unpinned sink takes the oldest task of its Sink Type across all tenants.
 */
final class TaskQueues {
  /** sink type → tenant → seq → task. */
  private final Map<String, Map<String, TreeMap<Long, TaskRecord>>> byType = new HashMap<>();

  private int size;

  void add(TaskRecord t) {
    TreeMap<Long, TaskRecord> q =
        byType
            .computeIfAbsent(t.sinkType(), k -> new HashMap<>())
            .computeIfAbsent(t.tenant(), k -> new TreeMap<>());
    if (q.put(t.seq, t) == null) {
      size++;
    }
  }

  boolean remove(TaskRecord t) {
    Map<String, TreeMap<Long, TaskRecord>> tenants = byType.get(t.sinkType());
    TreeMap<Long, TaskRecord> q = tenants == null ? null : tenants.get(t.tenant());
    if (q != null && q.remove(t.seq) != null) {
      size--;
      return true;
    }
    return false;
  }

  /** The next task for a sink, or null; it stays queued until {@link TaskTable} moves it. */
  TaskRecord peekFor(String sinkType, Optional<String> pinnedTenant) {
    TreeMap<Long, TaskRecord> q = oldestQueue(sinkType, pinnedTenant);
    return q == null ? null : q.firstEntry().getValue();
  }

  boolean contains(TaskRecord t) {
    Map<String, TreeMap<Long, TaskRecord>> tenants = byType.get(t.sinkType());
    TreeMap<Long, TaskRecord> q = tenants == null ? null : tenants.get(t.tenant());
    return q != null && q.get(t.seq) == t;
  }

  /** Tasks a fleet of this type (pinned to {@code tenant}, or unpinned when empty) could take. */
  long queued(String sinkType, String tenant) {
    Map<String, TreeMap<Long, TaskRecord>> tenants = byType.getOrDefault(sinkType, Map.of());
    if (!tenant.isEmpty()) {
      TreeMap<Long, TaskRecord> q = tenants.get(tenant);
      return q == null ? 0 : q.size();
    }
    return tenants.values().stream().mapToLong(TreeMap::size).sum();
  }

  /** Creation time of the oldest task a fleet could take, or 0 when none. */
  long oldestCreatedAt(String sinkType, String tenant) {
    TreeMap<Long, TaskRecord> q =
        oldestQueue(sinkType, tenant.isEmpty() ? Optional.empty() : Optional.of(tenant));
    return q == null ? 0 : q.firstEntry().getValue().spec.getCreatedAtMs();
  }

  int size() {
    return size;
  }

  private TreeMap<Long, TaskRecord> oldestQueue(String sinkType, Optional<String> pinnedTenant) {
    Map<String, TreeMap<Long, TaskRecord>> tenants = byType.get(sinkType);
    if (tenants == null) {
      return null;
    }
    if (pinnedTenant.isPresent()) {
      TreeMap<Long, TaskRecord> q = tenants.get(pinnedTenant.get());
      return q == null || q.isEmpty() ? null : q;
    }
    TreeMap<Long, TaskRecord> best = null;
    for (TreeMap<Long, TaskRecord> q : tenants.values()) {
      if (!q.isEmpty() && (best == null || q.firstKey() < best.firstKey())) {
        best = q;
      }
    }
    return best;
  }
}
