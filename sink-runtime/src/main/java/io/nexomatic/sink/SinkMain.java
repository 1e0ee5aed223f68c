package io.nexomatic.sink;

import io.nexomatic.protocol.tracing.Telemetry;
import io.nexomatic.sink.config.ConfigException;
import io.nexomatic.sink.config.SettingSyntax;
import io.nexomatic.sink.config.SinkConfig;
import io.nexomatic.sink.config.SinkConfigLoader;
import io.nexomatic.sink.exec.TaskExecutor;
import io.nexomatic.sink.exec.TaskExecutors;
import io.nexomatic.sink.logging.LoggingSetup;
import io.nexomatic.sink.probe.ReadinessFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's command line: {@code run} (default) serves the Hub; {@code probe [ready|alive]
 * [--max-age SECONDS]} is the exec probe for Kubernetes. The image runs this under tini, which
 * forwards signals and reaps orphaned task processes (the JVM does not reap as PID 1).
 */
public final class SinkMain {
  /** Exit code for an invalid configuration. */
  public static final int EXIT_CONFIG = 2;

  /** The service name of the sink's spans unless OTEL_SERVICE_NAME says otherwise. */
  static final String SERVICE_NAME = "nexomatic-sink";

  private static final Duration DEFAULT_PROBE_MAX_AGE = Duration.ofSeconds(30);
  private static final String USAGE =
      "usage: nexomatic-sink [run] | probe [ready|alive] [--max-age SECONDS]";

  private SinkMain() {}

  /** Entry point. */
  public static void main(String[] args) {
    int code = execute(args, System.getenv(), System.out, System.err);
    System.out.flush();
    System.err.flush();
    if (SinkRuntime.terminating()) {
      // SIGTERM began the JVM's shutdown, where System.exit blocks: end with the drain's code.
      Runtime.getRuntime().halt(code);
    }
    System.exit(code);
  }

  /** Runs a subcommand and returns the exit code (separate from main so tests can call it). */
  public static int execute(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    List<String> a = List.of(args);
    if (a.isEmpty() || (a.get(0).equals("run") && a.size() == 1)) {
      return run(env, err);
    }
    if (a.get(0).equals("probe")) {
      return probe(a.subList(1, a.size()), env, out, err);
    }
    err.println(USAGE);
    return EXIT_CONFIG;
  }

  private static int run(Map<String, String> env, PrintStream err) {
    SinkConfig config;
    try {
      config = SinkConfigLoader.load(env);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return EXIT_CONFIG;
    }
    LoggingSetup.configure(config.logFormat(), config.logLevel());
    Logger log = LoggerFactory.getLogger(SinkMain.class);
    // SinkConfig's toString shows secrets as ***.
    log.info("starting sink {} with {}", config.clientId(), config);
    try (TaskExecutor executor = TaskExecutors.forConfig(config, env)) {
      // Traces only with OTEL_EXPORTER_OTLP_ENDPOINT set; else the no-op (docs/tracing.md).
      return SinkRuntime.run(config, executor, Telemetry.fromEnvironment(env, SERVICE_NAME));
    } catch (RuntimeException e) {
      log.error("sink stopped: {}", e.getMessage(), e);
      return 1;
    }
  }

  private static int probe(
      List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    String which = "ready";
    Duration maxAge = DEFAULT_PROBE_MAX_AGE;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("ready") || arg.equals("alive")) {
        which = arg;
      } else if (arg.equals("--max-age") && i + 1 < args.size()) {
        try {
          maxAge = SettingSyntax.parseDuration(args.get(++i));
        } catch (IllegalArgumentException e) {
          err.println("--max-age must be seconds (or 30s, 2m): " + args.get(i));
          return EXIT_CONFIG;
        }
      } else {
        err.println(USAGE);
        return EXIT_CONFIG;
      }
    }
    String variable = which.equals("ready") ? "READINESS_FILE" : "LIVENESS_FILE";
    String fallback = which.equals("ready") ? "/tmp/nexomatic/ready" : "/tmp/nexomatic/alive";
    String configured = env.get(variable);
    Path file = Path.of(configured == null || configured.isBlank() ? fallback : configured.trim());
    ReadinessFile.Verdict verdict = new ReadinessFile(file).check(maxAge);
    (verdict.ok() ? out : err).println(which + ": " + verdict.reason());
    return verdict.ok() ? 0 : 1;
  }
}
