package io.nexomatic.hub.cli;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.auth.Credentials;
import io.nexomatic.hub.auth.CredentialsFile;
import io.nexomatic.hub.auth.CredentialsWatcher;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.H2TaskJournal;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.protocol.tracing.Telemetry;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the Hub until SIGTERM / SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the reference Hub.")
final class ServeCommand implements Callable<Integer> {
  /** How often the credentials file is checked for a change. */
  static final long RELOAD_SECONDS = 5;

  /** The service name of the Hub's spans unless OTEL_SERVICE_NAME says otherwise. */
  static final String SERVICE_NAME = "nexomatic-hub";

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Listen address.")
  String host;

  @Option(names = "--port", defaultValue = "50051", description = "Port (0: ephemeral).")
  int port;

  @Option(names = "--credentials", required = true, description = "Credentials file (YAML).")
  Path credentials;

  @Option(names = "--data-dir", description = "Keep state here so it survives restarts.")
  Path dataDir;

  @Option(names = "--tls-cert", description = "Server certificate chain (PEM).")
  File tlsCert;

  @Option(names = "--tls-key", description = "Server private key (PKCS#8 PEM).")
  File tlsKey;

  @Option(
      names = "--heartbeat-interval",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Sink heartbeat interval (default ${DEFAULT-VALUE}).")
  Duration heartbeatInterval;

  @Option(
      names = "--lease-ttl",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Lease TTL without heartbeat (default ${DEFAULT-VALUE}).")
  Duration leaseTtl;

  @Option(
      names = "--offer-timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Time for a sink to accept an offer (default ${DEFAULT-VALUE}).")
  Duration offerTimeout;

  @Option(names = "--max-queued", defaultValue = "100000", description = "Queue bound.")
  int maxQueued;

  @Option(names = "--max-attempts", defaultValue = "3", description = "Default max attempts.")
  int maxAttempts;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--tls-cert and --tls-key go together: pass both or neither");
    }
    if (!heartbeatInterval.multipliedBy(2).minus(leaseTtl).isNegative()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--lease-ttl must be more than twice --heartbeat-interval, so one lost heartbeat does"
              + " not expire a lease");
    }
    Credentials creds;
    try {
      creds = CredentialsFile.read(credentials);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    HubConfig config =
        HubConfig.builder()
            .heartbeatInterval(heartbeatInterval)
            .leaseTtl(leaseTtl)
            .offerTimeout(offerTimeout)
            .maxQueued(maxQueued)
            .defaultMaxAttempts(maxAttempts)
            // Traces only with OTEL_EXPORTER_OTLP_ENDPOINT set; else the no-op (docs/tracing.md).
            .openTelemetry(Telemetry.fromEnvironment(System.getenv(), SERVICE_NAME))
            .build();
    TaskJournal journal = dataDir == null ? TaskJournal.inMemory() : new H2TaskJournal(dataDir);
    NettyServerBuilder builder = HubServer.nettyBuilder(host, port);
    if (tlsCert != null) {
      builder.useTransportSecurity(tlsCert, tlsKey);
    }
    // Reloaded when the file changes, so a secret rotates without a restart (docs/install.md).
    var watcher = new CredentialsWatcher(credentials, creds);
    var reloads =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "credentials-reload");
              t.setDaemon(true);
              return t;
            });
    reloads.scheduleWithFixedDelay(
        watcher::reload, RELOAD_SECONDS, RELOAD_SECONDS, TimeUnit.SECONDS);
    HubServer server = new HubServer(builder, config, watcher, journal).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "hub-shutdown"));
    // One machine-readable line on stdout, so scripts can start the Hub on port 0.
    System.out.printf(
        "{\"event\":\"listening\",\"host\":\"%s\",\"port\":%d,\"tls\":%b,\"dataDir\":%s}%n",
        host,
        server.port(),
        tlsCert != null,
        dataDir == null ? "null" : "\"" + dataDir.toAbsolutePath() + "\"");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
