package io.nexomatic.hub.core;

import io.nexomatic.protocol.v1.Sink;
import io.nexomatic.protocol.v1.SinkStatus;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** A sink in the Hub's registry, connected or not. Guarded by {@link HubCore}'s lock. */
final class SinkRecord {
  final String uuid;
  String sinkType;
  Optional<String> tenant;
  SinkStatus status = SinkStatus.OFFLINE;
  long lastSeen;
  int concurrency;
  boolean backpressured;
  boolean draining;
  String podName = "";
  String nodeName = "";
  String hostname = "";
  String version = "";
  long connectedAt;
  Session session;

  /** Tasks leased to it (LEASED or RUNNING). */
  final Set<TaskRecord> held = new LinkedHashSet<>();

  SinkRecord(String uuid, String sinkType, Optional<String> tenant) {
    this.uuid = uuid;
    this.sinkType = sinkType;
    this.tenant = tenant;
  }

  Sink toProto() {
    Sink.Builder b =
        Sink.newBuilder()
            .setSinkUuid(uuid)
            .setSinkType(sinkType)
            .setTenantUuid(tenant.orElse(""))
            .setStatus(status)
            .setLastSeenMs(lastSeen)
            .setBusy(held.size())
            .setConcurrency(concurrency)
            .setBackpressured(backpressured)
            .setDraining(draining)
            .setPodName(podName)
            .setNodeName(nodeName)
            .setHostname(hostname)
            .setVersion(version)
            .setSessionId(session == null ? "" : session.id)
            .setConnectedAtMs(connectedAt)
            .setOffered(session == null ? 0 : session.offered.size());
    held.forEach(t -> b.addTasks(t.ref()));
    return b.build();
  }
}
