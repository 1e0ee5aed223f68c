package io.nexomatic.sink.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Parses and validates the sink's environment into a {@link SinkConfig}: which variables, their
 * defaults and the rules between them. Every variable is checked before failing, so one start
 * reports every problem ({@link EnvReader}); no message ever contains a secret value ({@link
 * SecretSettings}).
 */
public final class SinkConfigLoader {
  static final int DEFAULT_HUB_PORT = 50051;
  static final long DEFAULT_MAX_LOG_BYTES = 5L * 1024 * 1024;
  static final long MIN_MAX_LOG_BYTES = 1024;

  private static final Set<String> LOG_LEVELS =
      Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private final InterpreterResolver resolver;

  /** A loader resolving interpreters with {@code resolver} (tests pass a fake). */
  public SinkConfigLoader(InterpreterResolver resolver) {
    this.resolver = resolver;
  }

  /** Loads the configuration from {@code env}, resolving interpreters on its PATH. */
  public static SinkConfig load(Map<String, String> env) throws ConfigException {
    return new SinkConfigLoader(new InterpreterResolver()).parse(env);
  }

  /** Parses {@code env}; throws with every problem found. */
  public SinkConfig parse(Map<String, String> env) throws ConfigException {
    EnvReader r = new EnvReader(env);

    String hubHost = r.required("HUB_HOST", "set it to the Hub's host name, e.g. hub.example.com");
    if (hubHost != null && hubHost.contains("://")) {
      r.problem("HUB_HOST", "is a URL; set only the host name (the port goes in HUB_PORT)");
    }
    int hubPort = r.intInRange("HUB_PORT", DEFAULT_HUB_PORT, 1, 65535);
    String clientId =
        r.required("CLIENT_ID", "set it to the sink's Sink Type, e.g. LOCAL:BASE or LOCAL:PWSH");
    if (clientId != null && clientId.chars().anyMatch(Character::isWhitespace)) {
      r.problem("CLIENT_ID", "contains whitespace; set the Sink Type, e.g. LOCAL:BASE");
    }
    ExecutorKind kind = ExecutorKind.forSinkType(clientId == null ? "" : clientId);

    AuthMethod auth =
        r.parsed(
            "AUTH_METHOD",
            AuthMethod.CLIENT_SECRET,
            AuthMethod::fromEnvValue,
            "; set client_secret or entra_id");
    Optional<Secret> clientSecret =
        SecretSettings.read(r, "CLIENT_SECRET", auth == AuthMethod.CLIENT_SECRET);

    Optional<UUID> tenantUuid = r.uuid("TENANT_UUID");
    // Judged on the raw variable so a malformed TENANT_UUID is not also reported as missing.
    boolean tenantSet = r.optional("TENANT_UUID").isPresent();
    Optional<Secret> tenantSecret = SecretSettings.read(r, "TENANT_SECRET", tenantSet);
    if (!tenantSet && tenantSecret.isPresent()) {
      r.problem(
          "TENANT_SECRET",
          "is set without TENANT_UUID; set TENANT_UUID to pin the sink to a tenant, or remove"
              + " TENANT_SECRET / TENANT_SECRET_FILE");
    }

    boolean entra = auth == AuthMethod.ENTRA_ID;
    Optional<String> azureTenantId = r.optionalRequiredIf("AZURE_TENANT_ID", entra);
    Optional<String> azureClientId = r.optionalRequiredIf("AZURE_CLIENT_ID", entra);
    Optional<Path> tokenFile = federatedTokenFile(r, entra);
    URI authority = r.uri("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.com/");
    String scope = r.string("HUB_TOKEN_SCOPE", "api://nexomatic-hub/.default");

    long maxLogBytes = r.byteSize("MAX_LOG_BYTES", DEFAULT_MAX_LOG_BYTES, MIN_MAX_LOG_BYTES);
    Duration taskTimeout = r.duration("TASK_TIMEOUT", Duration.ofSeconds(3600), 1);
    int threshold = r.intInRange("BACKPRESSURE_THRESHOLD", 10, 1, Integer.MAX_VALUE);
    int concurrency = r.intInRange("CONCURRENCY", 4, 1, 256);
    int prefetch = r.intInRange("PREFETCH", 1, 0, 1000);
    int maxTasks = r.intInRange("MAX_TASKS", 0, 0, Integer.MAX_VALUE);
    Duration drainTimeout = r.duration("DRAIN_TIMEOUT", Duration.ofSeconds(25), 0);
    Duration killGrace = r.duration("KILL_GRACE", Duration.ofSeconds(10), 0);

    boolean tls = r.bool("TLS_ENABLED", false);
    Optional<Path> caFile = caFile(r, tls);
    Optional<String> serverName = r.optional("TLS_SERVER_NAME");
    if (serverName.isPresent() && !tls) {
      r.problem("TLS_SERVER_NAME", "is set but TLS_ENABLED is false; set TLS_ENABLED=true");
    }

    Path modulesPath = r.pathOr("MODULES_PATH", "/opt/nexomatic/modules");
    if (modulesPath != null && !Files.isDirectory(modulesPath)) {
      r.problem(
          "MODULES_PATH",
          "names " + modulesPath + ", which is not a directory; mount the Action modules there");
    }
    Path interpreter = interpreter(r, clientId, kind, env);
    Path workDir =
        r.pathOr(
            "WORK_DIR",
            Path.of(System.getProperty("java.io.tmpdir"), "nexomatic-tasks").toString());
    if (workDir != null && Files.exists(workDir) && !Files.isDirectory(workDir)) {
      r.problem("WORK_DIR", "names " + workDir + ", which is not a directory");
    }
    LogFormat logFormat =
        r.parsed(
            "LOG_FORMAT",
            LogFormat.JSON,
            v -> LogFormat.valueOf(v.toUpperCase(Locale.ROOT)),
            "; set json or text");
    String logLevel = logLevel(r);
    Path readiness = r.pathOr("READINESS_FILE", "/tmp/nexomatic/ready");
    Path liveness = r.pathOr("LIVENESS_FILE", "/tmp/nexomatic/alive");
    Optional<String> podName = r.optional("POD_NAME");
    Optional<String> nodeName = r.optional("NODE_NAME");
    List<String> passthrough = TaskEnvSettings.passthrough(r);
    Map<String, Secret> extra = TaskEnvSettings.extra(r);
    int maxProcs = r.intInRange("MAX_TASK_PROCESSES", 256, 0, 1_000_000);

    r.throwIfProblems();
    return new SinkConfig(
        hubHost,
        hubPort,
        clientId,
        kind,
        auth,
        clientSecret,
        tenantUuid,
        tenantSecret,
        azureTenantId,
        azureClientId,
        tokenFile,
        authority,
        scope,
        maxLogBytes,
        taskTimeout,
        threshold,
        concurrency,
        prefetch,
        drainTimeout,
        killGrace,
        tls,
        caFile,
        serverName,
        modulesPath,
        interpreter,
        workDir,
        logFormat,
        logLevel,
        readiness,
        liveness,
        podName,
        nodeName,
        passthrough,
        extra,
        maxProcs,
        maxTasks);
  }

  private static Optional<Path> federatedTokenFile(EnvReader r, boolean entra) {
    String name = "AZURE_FEDERATED_TOKEN_FILE";
    Optional<Path> tokenFile = r.optionalRequiredIf(name, entra).flatMap(f -> r.path(name, f));
    if (entra && tokenFile.isPresent() && !Files.isReadable(tokenFile.get())) {
      r.problem(
          name,
          "names " + tokenFile.get() + ", which is not a readable file; mount the projected token");
    }
    return tokenFile;
  }

  private static Optional<Path> caFile(EnvReader r, boolean tls) {
    Optional<Path> caFile = r.optional("TLS_CA_FILE").flatMap(f -> r.path("TLS_CA_FILE", f));
    caFile.ifPresent(
        f -> {
          if (!Files.isReadable(f)) {
            r.problem("TLS_CA_FILE", "names " + f + ", which is not a readable file");
          } else if (!holdsCertificates(f)) {
            r.problem(
                "TLS_CA_FILE",
                "names "
                    + f
                    + ", which holds no PEM certificate; give the CA certificate that issued the"
                    + " Hub's (-----BEGIN CERTIFICATE-----)");
          }
          if (!tls) {
            r.problem("TLS_CA_FILE", "is set but TLS_ENABLED is false; set TLS_ENABLED=true");
          }
        });
    return caFile;
  }

  /** The interpreter the Sink Type needs, resolved now so a missing one fails the start. */
  private Path interpreter(
      EnvReader r, String clientId, ExecutorKind kind, Map<String, String> env) {
    String python = r.string("PYTHON_INTERPRETER", "python3");
    String pwsh = r.string("PWSH_INTERPRETER", "pwsh");
    if (clientId == null) {
      return null;
    }
    String variable = kind.interpreterVariable();
    try {
      return resolver.resolve(kind == ExecutorKind.POWERSHELL ? pwsh : python, env);
    } catch (InterpreterResolver.ResolutionException e) {
      r.problem(
          variable,
          "cannot be used by Sink Type "
              + clientId
              + ": "
              + e.getMessage()
              + "; install it or set "
              + variable
              + " to its path");
      return null;
    }
  }

  private static String logLevel(EnvReader r) {
    String logLevel = r.string("LOG_LEVEL", "INFO").toUpperCase(Locale.ROOT);
    if (logLevel.equals("WARNING")) {
      logLevel = "WARN";
    }
    if (!LOG_LEVELS.contains(logLevel)) {
      r.problem("LOG_LEVEL", "is '" + logLevel + "'; set TRACE, DEBUG, INFO, WARN, ERROR or OFF");
    }
    return logLevel;
  }

  /** Whether the file parses as X.509 certificates, as the TLS stack will read it. */
  private static boolean holdsCertificates(Path file) {
    try (var in = Files.newInputStream(file)) {
      return !CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty();
    } catch (IOException | CertificateException e) {
      return false;
    }
  }
}
