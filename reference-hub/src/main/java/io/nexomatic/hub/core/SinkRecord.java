package io.nexomatic.hub.core;

import io.nexomatic.protocol.v1.Sink;
import io.nexomatic.protocol.v1.SinkStatus;
import java.util.List;
import java.util.Optional;

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

  SinkRecord(String uuid, String sinkType, Optional<String> tenant) {
    this.uuid = uuid;
    this.sinkType = sinkType;
    this.tenant = tenant;
  }

  /** A snapshot, with the tasks it holds and the number of offers its session has open. */
  Sink toProto(List<TaskRecord> held, int offered) {
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
            .setOffered(offered);
    held.forEach(t -> b.addTasks(t.ref()));
    return b.build();
  }
}
