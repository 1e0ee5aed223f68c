package io.nexomatic.hub.server;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.auth.AuthInterceptor;
import io.nexomatic.hub.auth.Authenticator;
import io.nexomatic.hub.auth.Credentials;
import io.nexomatic.hub.core.HubCore;
import io.nexomatic.hub.grpc.HubAdminService;
import io.nexomatic.hub.grpc.SinkHubService;
import io.nexomatic.hub.store.TaskJournal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference Hub as a gRPC server: SinkHub and HubAdmin behind authentication, plus the standard
 * health service and server reflection (so grpcurl and grpc_health_probe work).
 */
public final class HubServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HubServer.class);

  /** Timer lateness beyond which the Hub counts itself as paused rather than merely busy. */
  static final long PAUSE_THRESHOLD_MS = 1000;

  private final Server server;
  private final HubCore core;
  private final TaskJournal journal;
  private final ScheduledExecutorService timer;
  private final HealthStatusManager health = new HealthStatusManager();
  private final long tickMs;
  private long lastTickNanos = System.nanoTime();

  /**
   * Builds the server on a caller-supplied builder (Netty for real use, in-process for tests). The
   * journal is closed with the server.
   *
   * <p>With a journal that does not touch disk, every handler only takes the state machine's lock
   * briefly and queues writes, so the Hub runs them on the transport threads: handing each message
   * to an executor thread and back cost most of its dispatch throughput (docs/benchmarks.md,
   * dispatch).
   */
  public HubServer(
      ServerBuilder<?> builder, HubConfig config, Credentials credentials, TaskJournal journal) {
    this(builder, config, () -> credentials, journal);
  }

  /** As above, with the credentials in force read on every call (a {@code CredentialsWatcher}). */
  public HubServer(
      ServerBuilder<?> builder,
      HubConfig config,
      Supplier<Credentials> credentials,
      TaskJournal journal) {
    if (!journal.durable()) {
      builder.directExecutor();
    }
    this.journal = journal;
    this.core = new HubCore(config, journal);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hub-timer");
              t.setDaemon(true);
              return t;
            });
    AuthInterceptor auth = new AuthInterceptor(new Authenticator(credentials));
    this.server =
        builder
            .addService(ServerInterceptors.intercept(new SinkHubService(core, config), auth))
            .addService(ServerInterceptors.intercept(new HubAdminService(core, timer), auth))
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build();
    this.tickMs = config.tickInterval().toMillis();
    timer.scheduleWithFixedDelay(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
  }

  /**
   * A Netty server builder on {@code host:port} (0 for an ephemeral port) whose keepalive policy
   * permits the sinks' keepalive pings and detects dead peers.
   */
  public static NettyServerBuilder nettyBuilder(String host, int port) {
    return NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .maxInboundMessageSize(4 * 1024 * 1024);
  }

  private void tick() {
    try {
      // Only the timer thread touches lastTickNanos. Lateness well past the tick interval means
      // the whole process stood still, so the sinks must not pay for it.
      long nowNanos = System.nanoTime();
      long lateMs = TimeUnit.NANOSECONDS.toMillis(nowNanos - lastTickNanos) - tickMs;
      lastTickNanos = nowNanos;
      if (lateMs > PAUSE_THRESHOLD_MS) {
        core.forgivePause(lateMs);
      }
      core.tick();
    } catch (RuntimeException e) {
      log.error("hub timer failed", e);
    }
  }

  /** Starts listening. */
  public HubServer start() throws IOException {
    server.start();
    health.setStatus("", ServingStatus.SERVING);
    return this;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getPort();
  }

  /** The state machine, for in-process tests and the demo. */
  public HubCore core() {
    return core;
  }

  /**
   * Stops accepting calls, ends open streams, lets a running tick finish, and closes the journal.
   * Bounded to 7 seconds.
   */
  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(3, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    // Not shutdownNow at once: interrupting a tick in the middle of a journal write closes H2's
    // file channel (ClosedByInterruptException) and the store panics on close.
    timer.shutdown();
    try {
      if (!timer.awaitTermination(2, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      timer.shutdownNow();
    }
    synchronized (core) {
      journal.close();
    }
  }
}
