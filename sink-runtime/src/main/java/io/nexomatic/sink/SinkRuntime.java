package io.nexomatic.sink;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.nexomatic.sink.config.AuthMethod;
import io.nexomatic.sink.config.SinkConfig;
import io.nexomatic.sink.exec.TaskExecutor;
import io.nexomatic.sink.probe.ReadinessFile;
import io.nexomatic.sink.session.EntraIdTokenSource;
import io.nexomatic.sink.session.HubSession;
import io.nexomatic.sink.session.SessionSettings;
import io.nexomatic.sink.session.SinkCallCredentials;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the sink process: channel, credentials, session, probe files and the SIGTERM drain. */
public final class SinkRuntime {
  private static final Logger log = LoggerFactory.getLogger(SinkRuntime.class);

  /** How often the liveness file is touched; the probe's default max age is 30 s. */
  private static final Duration LIVENESS_PERIOD = Duration.ofSeconds(5);

  /** How long the SIGTERM hook leaves the main thread to clean up and exit with its own code. */
  private static final Duration MAIN_EXIT_WAIT = Duration.ofSeconds(10);

  private static final AtomicBoolean TERMINATING = new AtomicBoolean();

  private SinkRuntime() {}

  /**
   * True once SIGTERM started the JVM's shutdown: {@code System.exit} would then block, so the
   * entry point ends the process with {@code Runtime.halt} and the drain's own exit code (0).
   */
  public static boolean terminating() {
    return TERMINATING.get();
  }

  /**
   * Runs the sink until the Hub kills it or SIGTERM's drain ends, and returns the exit code. On
   * SIGTERM a shutdown hook drains the session (bounded by the drain timeout, the kill grace and a
   * few seconds) and then waits for the main thread to clean up and exit with that code.
   */
  public static int run(SinkConfig config, TaskExecutor executor, OpenTelemetry openTelemetry) {
    ManagedChannel channel = channel(config);
    ReadinessFile ready = new ReadinessFile(config.readinessFile());
    ReadinessFile alive = new ReadinessFile(config.livenessFile());
    ScheduledExecutorService liveness =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sink-liveness");
              t.setDaemon(true);
              return t;
            });
    // Liveness proves the JVM is not wedged, whatever the Hub does; readiness follows the session.
    liveness.scheduleWithFixedDelay(
        () -> touch(alive), 0, LIVENESS_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    HubSession session =
        new HubSession(
            SessionSettings.from(config),
            credentials(config).attachTo(channel),
            executor,
            new HubSession.Listener() {
              @Override
              public void readinessChanged(boolean isReady) {
                if (isReady) {
                  touch(ready);
                } else {
                  remove(ready);
                }
              }

              @Override
              public void connectionSilent() {
                // Idle drops the channel's transports: the next session dials a new connection.
                channel.enterIdle();
              }
            },
            Clock.systemUTC(),
            openTelemetry);
    CompletableFuture<Integer> exit = session.start();
    Duration drainBound = config.drainTimeout().plus(config.killGrace()).plusSeconds(5);
    Thread drainHook =
        new Thread(
            () -> {
              TERMINATING.set(true);
              log.info("SIGTERM: draining");
              try {
                session.drain().get(drainBound.toMillis(), TimeUnit.MILLISECONDS);
                // The main thread now cleans up and halts with the drain's code; returning
                // earlier would end the JVM with the signal's status (143) instead.
                Thread.sleep(MAIN_EXIT_WAIT.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                log.warn("drain did not complete cleanly: {}", e.toString());
              }
              remove(ready);
            },
            "sink-drain");
    Runtime.getRuntime().addShutdownHook(drainHook);
    int code = exit.join();
    try {
      Runtime.getRuntime().removeShutdownHook(drainHook);
    } catch (IllegalStateException shuttingDown) {
      // SIGTERM: the hook drained; the JVM exits when it returns
    }
    remove(ready);
    liveness.shutdownNow();
    channel.shutdownNow();
    return code;
  }

  /** A Netty channel to the Hub: TLS when configured, keepalive so a dead peer is noticed. */
  public static ManagedChannel channel(SinkConfig config) {
    ChannelCredentials creds;
    if (config.tlsEnabled()) {
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
      if (config.tlsCaFile().isPresent()) {
        try {
          tls.trustManager(config.tlsCaFile().get().toFile());
        } catch (IOException e) {
          throw new UncheckedIOException(
              "cannot read TLS_CA_FILE " + config.tlsCaFile().get() + ": " + e.getMessage(), e);
        }
      }
      creds = tls.build();
    } else {
      creds = InsecureChannelCredentials.create();
    }
    NettyChannelBuilder b =
        NettyChannelBuilder.forAddress(config.hubHost(), config.hubPort(), creds)
            .keepAliveTime(20, TimeUnit.SECONDS)
            .keepAliveTimeout(10, TimeUnit.SECONDS)
            .keepAliveWithoutCalls(true)
            // The session's callbacks only queue work onto its loop thread, so they run on the
            // transport thread instead of hopping through gRPC's executor first (dispatch
            // benchmark); the blocking token fetch has its own thread (SinkCallCredentials).
            .directExecutor();
    config.tlsServerName().ifPresent(b::overrideAuthority);
    return b.build();
  }

  /** The credentials the configuration names, for every call to the Hub. */
  public static SinkCallCredentials credentials(SinkConfig config) {
    Optional<Supplier<String>> token = Optional.empty();
    if (config.authMethod() == AuthMethod.ENTRA_ID) {
      token =
          Optional.of(
              new EntraIdTokenSource(
                  config.azureAuthorityHost(),
                  config.azureTenantId().orElseThrow(),
                  config.azureClientId().orElseThrow(),
                  config.hubTokenScope(),
                  config.azureFederatedTokenFile().orElseThrow(),
                  HttpClient.newHttpClient(),
                  Clock.systemUTC()));
    }
    return new SinkCallCredentials(
        config.clientId(),
        config.authMethod() == AuthMethod.ENTRA_ID ? Optional.empty() : config.clientSecret(),
        token,
        config.tenantUuid(),
        config.tenantSecret());
  }

  private static void touch(ReadinessFile f) {
    try {
      f.touch();
    } catch (IOException e) {
      log.warn("cannot touch {}: {}", f.path(), e.getMessage());
    }
  }

  private static void remove(ReadinessFile f) {
    try {
      f.remove();
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", f.path(), e.getMessage());
    }
  }
}
