package io.nexomatic.sink.session;

import io.nexomatic.protocol.v1.Hello;
import io.nexomatic.sink.config.SinkConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;

/**
 * What the session needs to know of the sink's configuration.
 *
 * @param sinkUuid generated once per process, so the Hub can match a resumed session to its leases
 * @param maxTasks tasks to take before draining and exiting 0; 0 means no limit
 * @param tls whether the channel speaks TLS, so a failed connection is explained in its terms
 */
public record SessionSettings(
    String sinkUuid,
    String sinkType,
    String tenantUuid,
    int concurrency,
    int prefetch,
    int backpressureThreshold,
    Duration drainTimeout,
    Duration killGrace,
    String version,
    String podName,
    String nodeName,
    String hostname,
    int maxTasks,
    boolean tls) {

  /** Settings from the sink's configuration, with a fresh sink uuid. */
  public static SessionSettings from(SinkConfig c) {
    return new SessionSettings(
        UUID.randomUUID().toString(),
        c.clientId(),
        c.tenantUuid().map(UUID::toString).orElse(""),
        c.concurrency(),
        c.prefetch(),
        c.backpressureThreshold(),
        c.drainTimeout(),
        c.killGrace(),
        currentVersion(),
        c.podName().orElse(""),
        c.nodeName().orElse(""),
        localHostname(),
        c.maxTasks(),
        c.tlsEnabled());
  }

  /** The Hello that introduces this sink; the session adds its draining flag and resume list. */
  Hello.Builder hello() {
    return Hello.newBuilder()
        .setSinkUuid(sinkUuid)
        .setSinkType(sinkType)
        .setTenantUuid(tenantUuid)
        .setConcurrency(concurrency)
        .setVersion(version)
        .setPodName(podName)
        .setNodeName(nodeName)
        .setHostname(hostname);
  }

  static String currentVersion() {
    String v = SessionSettings.class.getPackage().getImplementationVersion();
    return "nexomatic-sink/" + (v == null ? "dev" : v);
  }

  private static String localHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "";
    }
  }
}
