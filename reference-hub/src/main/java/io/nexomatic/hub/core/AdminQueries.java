package io.nexomatic.hub.core;

import io.grpc.Status;
import io.grpc.StatusException;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.protocol.v1.ListSinksRequest;
import io.nexomatic.protocol.v1.ListTasksRequest;
import io.nexomatic.protocol.v1.ListTasksResponse;
import io.nexomatic.protocol.v1.QueueStats;
import io.nexomatic.protocol.v1.QueueStatsResponse;
import io.nexomatic.protocol.v1.Sink;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** What admins and the operator read: tasks (masked), queue statistics and sinks. Core lock. */
final class AdminQueries {
  private static final int DEFAULT_LIST_LIMIT = 100;
  private static final int MAX_LIST_LIMIT = 10_000;

  private final HubConfig config;
  private final TaskTable table;
  private final SessionRegistry registry;
  private final TaskLogStore logs;

  AdminQueries(HubConfig config, TaskTable table, SessionRegistry registry, TaskLogStore logs) {
    this.config = config;
    this.table = table;
    this.registry = registry;
    this.logs = logs;
  }

  TaskRecord find(String taskId) throws StatusException {
    TaskRecord t = table.get(taskId);
    if (t == null) {
      throw Status.NOT_FOUND.withDescription("no task with id '" + taskId + "'").asException();
    }
    return t;
  }

  /** A task as admins see it: secret parameters masked, with the log bytes held for it. */
  Task view(TaskRecord t) {
    Task masked = t.toProto(true);
    TaskLog tl = logs.current(t);
    return tl == null ? masked : masked.toBuilder().setLogBytes(tl.storedBytes()).build();
  }

  /** Tasks, newest first. */
  ListTasksResponse list(ListTasksRequest r) {
    int limit = r.getLimit() == 0 ? DEFAULT_LIST_LIMIT : Math.min(r.getLimit(), MAX_LIST_LIMIT);
    List<TaskRecord> all = new ArrayList<>(table.all());
    Collections.reverse(all);
    Set<TaskState> states = new HashSet<>(r.getStatesList());
    ListTasksResponse.Builder out = ListTasksResponse.newBuilder();
    boolean started = r.getPageToken().isEmpty();
    for (TaskRecord t : all) {
      if (!started) {
        started = t.id.equals(r.getPageToken());
        continue;
      }
      if ((!states.isEmpty() && !states.contains(t.state()))
          || (!r.getSinkType().isEmpty() && !r.getSinkType().equals(t.sinkType()))
          || (!r.getTenantUuid().isEmpty() && !r.getTenantUuid().equals(t.tenant()))) {
        continue;
      }
      if (out.getTasksCount() == limit) {
        out.setNextPageToken(out.getTasks(limit - 1).getTaskId());
        break;
      }
      out.addTasks(view(t));
    }
    return out.build();
  }

  /** Queue statistics for one (type, tenant), or for every known queue when type is empty. */
  QueueStatsResponse stats(String sinkType, String tenant) {
    QueueStatsResponse.Builder out = QueueStatsResponse.newBuilder().setObservedAtMs(now());
    if (!sinkType.isEmpty()) {
      out.addStats(statsFor(sinkType, tenant));
      return out.build();
    }
    Set<List<String>> keys = new LinkedHashSet<>();
    for (TaskRecord t : table.all()) {
      if (!t.isTerminal()) {
        keys.add(List.of(t.sinkType(), t.tenant()));
      }
    }
    for (SinkRecord s : registry.sinks()) {
      if (s.session != null) {
        keys.add(List.of(s.sinkType, s.tenant.orElse("")));
      }
    }
    keys.forEach(k -> out.addStats(statsFor(k.get(0), k.get(1))));
    return out.build();
  }

  private QueueStats statsFor(String sinkType, String tenant) {
    Predicate<TaskRecord> mine =
        t -> t.sinkType().equals(sinkType) && (tenant.isEmpty() || t.tenant().equals(tenant));
    long leased = table.countOfferedOrHeld(mine);
    long oldest = table.oldestQueuedCreatedAt(sinkType, tenant);
    QueueStats.Builder b =
        QueueStats.newBuilder()
            .setSinkType(sinkType)
            .setTenantUuid(tenant)
            .setQueued(table.queuedCount(sinkType, tenant))
            .setLeased(leased)
            .setOldestQueuedAgeMs(oldest == 0 ? 0 : Math.max(0, now() - oldest));
    int connected = 0;
    int busy = 0;
    int bp = 0;
    int draining = 0;
    int capacity = 0;
    for (SinkRecord s : registry.sinks()) {
      if (s.session == null
          || !s.sinkType.equals(sinkType)
          || !s.tenant.orElse("").equals(tenant)) {
        continue;
      }
      connected++;
      capacity += s.concurrency;
      busy += table.heldCount(s.uuid) == 0 ? 0 : 1;
      bp += s.backpressured ? 1 : 0;
      draining += s.draining ? 1 : 0;
    }
    return b.setConnectedSinks(connected)
        .setBusySinks(busy)
        .setBackpressuredSinks(bp)
        .setDrainingSinks(draining)
        .setCapacity(capacity)
        .build();
  }

  /** Sinks matching a request. */
  List<Sink> sinks(ListSinksRequest r) {
    List<Sink> out = new ArrayList<>();
    for (SinkRecord s : registry.sinks()) {
      if ((!r.getSinkType().isEmpty() && !r.getSinkType().equals(s.sinkType))
          || (!r.getTenantUuid().isEmpty() && !r.getTenantUuid().equals(s.tenant.orElse("")))
          || (!r.getIncludeOffline() && s.session == null)) {
        continue;
      }
      out.add(toProto(s));
    }
    return out;
  }

  Sink toProto(SinkRecord s) {
    return s.toProto(table.heldBy(s.uuid), s.session == null ? 0 : table.offeredCount(s.session));
  }

  /** Counts for tests and the CLI. */
  Map<TaskState, Long> countByState() {
    Map<TaskState, Long> out = new EnumMap<>(TaskState.class);
    for (TaskRecord t : table.all()) {
      out.merge(t.state(), 1L, Long::sum);
    }
    return out;
  }

  private long now() {
    return config.clock().millis();
  }
}
