package io.nexomatic.sink.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and validates the sink's environment into a {@link SinkConfig}. Every variable is checked
 * before failing, so one start reports every problem; no message ever contains a secret value.
 */
public final class SinkConfigLoader {
  static final int DEFAULT_HUB_PORT = 50051;
  static final long DEFAULT_MAX_LOG_BYTES = 5L * 1024 * 1024;
  static final long MIN_MAX_LOG_BYTES = 1024;

  private static final Pattern BYTE_SIZE =
      Pattern.compile("(\\d+)\\s*(B|K|KB|KIB|M|MB|MIB|G|GB|GIB)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(S|M|H)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
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
    Reader r = new Reader(env);

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

    AuthMethod auth = r.authMethod();
    Optional<Secret> clientSecret = r.secret("CLIENT_SECRET", auth == AuthMethod.CLIENT_SECRET);

    Optional<UUID> tenantUuid = r.uuid("TENANT_UUID");
    // Judged on the raw variable so a malformed TENANT_UUID is not also reported as missing.
    boolean tenantSet = r.optional("TENANT_UUID").isPresent();
    Optional<Secret> tenantSecret = r.secret("TENANT_SECRET", tenantSet);
    if (!tenantSet && tenantSecret.isPresent()) {
      r.problem(
          "TENANT_SECRET",
          "is set without TENANT_UUID; set TENANT_UUID to pin the sink to a tenant, or remove"
              + " TENANT_SECRET / TENANT_SECRET_FILE");
    }

    boolean entra = auth == AuthMethod.ENTRA_ID;
    Optional<String> azureTenantId = r.optionalRequiredIf("AZURE_TENANT_ID", entra);
    Optional<String> azureClientId = r.optionalRequiredIf("AZURE_CLIENT_ID", entra);
    Optional<String> tokenFileName = r.optionalRequiredIf("AZURE_FEDERATED_TOKEN_FILE", entra);
    Optional<Path> tokenFile = tokenFileName.flatMap(f -> r.path("AZURE_FEDERATED_TOKEN_FILE", f));
    if (entra && tokenFile.isPresent() && !Files.isReadable(tokenFile.get())) {
      r.problem(
          "AZURE_FEDERATED_TOKEN_FILE",
          "names " + tokenFile.get() + ", which is not a readable file; mount the projected token");
    }
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
    Optional<String> serverName = r.optional("TLS_SERVER_NAME");
    if (serverName.isPresent() && !tls) {
      r.problem("TLS_SERVER_NAME", "is set but TLS_ENABLED is false; set TLS_ENABLED=true");
    }

    Path modulesPath =
        r.path("MODULES_PATH", r.string("MODULES_PATH", "/opt/nexomatic/modules")).orElse(null);
    if (modulesPath != null && !Files.isDirectory(modulesPath)) {
      r.problem(
          "MODULES_PATH",
          "names " + modulesPath + ", which is not a directory; mount the Action modules there");
    }

    String python = r.string("PYTHON_INTERPRETER", "python3");
    String pwsh = r.string("PWSH_INTERPRETER", "pwsh");
    Path interpreter = null;
    if (clientId != null) {
      String variable = kind.interpreterVariable();
      try {
        interpreter = resolver.resolve(kind == ExecutorKind.POWERSHELL ? pwsh : python, env);
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
      }
    }

    Path workDir =
        r.path(
                "WORK_DIR",
                r.string(
                    "WORK_DIR",
                    Path.of(System.getProperty("java.io.tmpdir"), "nexomatic-tasks").toString()))
            .orElse(null);
    if (workDir != null && Files.exists(workDir) && !Files.isDirectory(workDir)) {
      r.problem("WORK_DIR", "names " + workDir + ", which is not a directory");
    }
    LogFormat logFormat = r.logFormat();
    String logLevel = r.string("LOG_LEVEL", "INFO").toUpperCase(Locale.ROOT);
    if (logLevel.equals("WARNING")) {
      logLevel = "WARN";
    }
    if (!LOG_LEVELS.contains(logLevel)) {
      r.problem("LOG_LEVEL", "is '" + logLevel + "'; set TRACE, DEBUG, INFO, WARN, ERROR or OFF");
    }
    Path readiness =
        r.path("READINESS_FILE", r.string("READINESS_FILE", "/tmp/nexomatic/ready")).orElse(null);
    Path liveness =
        r.path("LIVENESS_FILE", r.string("LIVENESS_FILE", "/tmp/nexomatic/alive")).orElse(null);
    Optional<String> podName = r.optional("POD_NAME");
    Optional<String> nodeName = r.optional("NODE_NAME");
    List<String> passthrough = r.passthrough();
    Map<String, Secret> extra = r.taskEnvExtra();
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

  /**
   * Parses a size such as {@code 5242880}, {@code 5MB}, {@code 5 MiB} or {@code 512k}. KB/MB/GB are
   * 1024-based like KiB/MiB/GiB, so the seed's "5 MB" stays 5242880 bytes.
   */
  public static long parseByteSize(String text) {
    Matcher m = BYTE_SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size");
    }
    long number = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    int shift =
        switch (unit.charAt(0)) {
          case 'K' -> 10;
          case 'M' -> 20;
          case 'G' -> 30;
          default -> 0;
        };
    if (number > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("too large");
    }
    return number << shift;
  }

  /** Parses seconds ({@code 90}) or a number with unit s, m or h ({@code 90s}, {@code 5m}). */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration");
    }
    long number = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "S" : m.group(2).toUpperCase(Locale.ROOT);
    return switch (unit) {
      case "M" -> Duration.ofMinutes(number);
      case "H" -> Duration.ofHours(number);
      default -> Duration.ofSeconds(number);
    };
  }

  /** Reads variables and collects problems instead of failing on the first. */
  private static final class Reader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> env) {
      this.env = env;
    }

    void problem(String variable, String text) {
      problems.add(variable + " " + text);
    }

    void throwIfProblems() throws ConfigException {
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
    }

    /** The trimmed value, or empty when unset or blank (blank counts as unset). */
    Optional<String> optional(String name) {
      String v = env.get(name);
      return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    String string(String name, String defaultValue) {
      return optional(name).orElse(defaultValue);
    }

    String required(String name, String fix) {
      Optional<String> v = optional(name);
      if (v.isEmpty()) {
        problem(name, "is required; " + fix);
        return null;
      }
      return v.get();
    }

    Optional<String> optionalRequiredIf(String name, boolean required) {
      Optional<String> v = optional(name);
      if (required && v.isEmpty()) {
        problem(name, "is required when AUTH_METHOD=entra_id; set it (Workload Identity sets it)");
      }
      return v;
    }

    int intInRange(String name, int defaultValue, int min, int max) {
      Optional<String> v = optional(name);
      if (v.isEmpty()) {
        return defaultValue;
      }
      String range = max == Integer.MAX_VALUE ? "at least " + min : min + "-" + max;
      try {
        int parsed = Integer.parseInt(v.get());
        if (parsed < min || parsed > max) {
          problem(name, "is " + parsed + "; set an integer " + range);
        }
        return parsed;
      } catch (NumberFormatException e) {
        problem(name, "is '" + v.get() + "', not an integer; set an integer " + range);
        return defaultValue;
      }
    }

    long byteSize(String name, long defaultValue, long min) {
      Optional<String> v = optional(name);
      if (v.isEmpty()) {
        return defaultValue;
      }
      try {
        long parsed = parseByteSize(v.get());
        if (parsed < min) {
          problem(name, "is " + parsed + " bytes; set at least " + min + " (e.g. 5MB)");
        }
        return parsed;
      } catch (IllegalArgumentException e) {
        problem(
            name,
            "is '" + v.get() + "', not a size; set bytes or a number with KB, MB, GB (1024-based)");
        return defaultValue;
      }
    }

    Duration duration(String name, Duration defaultValue, long minSeconds) {
      Optional<String> v = optional(name);
      if (v.isEmpty()) {
        return defaultValue;
      }
      try {
        Duration parsed = parseDuration(v.get());
        if (parsed.getSeconds() < minSeconds) {
          problem(name, "is " + v.get() + "; set at least " + minSeconds + " s");
        }
        return parsed;
      } catch (IllegalArgumentException | ArithmeticException e) {
        problem(name, "is '" + v.get() + "', not a duration; set seconds (90) or 90s, 5m, 1h");
        return defaultValue;
      }
    }

    boolean bool(String name, boolean defaultValue) {
      Optional<String> v = optional(name);
      if (v.isEmpty()) {
        return defaultValue;
      }
      switch (v.get().toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes":
          return true;
        case "false", "0", "no":
          return false;
        default:
          problem(name, "is '" + v.get() + "'; set true or false (also 1/0, yes/no)");
          return defaultValue;
      }
    }

    Optional<UUID> uuid(String name) {
      Optional<String> v = optional(name);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      try {
        UUID parsed = UUID.fromString(v.get());
        // UUID.fromString accepts short forms like "1-2-3-4-5"; require the canonical form.
        if (!parsed.toString().equalsIgnoreCase(v.get())) {
          throw new IllegalArgumentException("not canonical");
        }
        return Optional.of(parsed);
      } catch (IllegalArgumentException e) {
        problem(
            name,
            "is '"
                + v.get()
                + "', not a UUID; set the tenant's UUID"
                + " (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) or unset it to serve all tenants");
        return Optional.empty();
      }
    }

    Optional<Path> path(String name, String value) {
      try {
        return Optional.of(Path.of(value));
      } catch (InvalidPathException e) {
        problem(name, "is not a valid path: " + e.getReason());
        return Optional.empty();
      }
    }

    URI uri(String name, String defaultValue) {
      String v = string(name, defaultValue);
      try {
        URI uri = new URI(v);
        if (!"https".equalsIgnoreCase(uri.getScheme())
            && !"http".equalsIgnoreCase(uri.getScheme())) {
          problem(name, "is '" + v + "'; set an https:// URL");
        }
        return uri;
      } catch (URISyntaxException e) {
        problem(name, "is '" + v + "', not a URL; set an https:// URL");
        return URI.create(defaultValue);
      }
    }

    /**
     * A secret from {@code NAME} or the file named by {@code NAME_FILE}; exactly one when required.
     * Messages name the variables and files, never the value.
     */
    Optional<Secret> secret(String name, boolean required) {
      String fileVar = name + "_FILE";
      Optional<String> direct = optional(name);
      Optional<String> file = optional(fileVar);
      if (direct.isPresent() && file.isPresent()) {
        problem(name, "and " + fileVar + " are both set; set only one of them");
        return Optional.empty();
      }
      if (direct.isPresent()) {
        return Optional.of(Secret.of(direct.get()));
      }
      if (file.isPresent()) {
        try {
          String content = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8);
          // Secret files usually end with a newline from `echo` or an editor; it is not part of it.
          int end = content.length();
          while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
            end--;
          }
          if (end == 0) {
            problem(fileVar, "names " + file.get() + ", which is empty; put the secret in it");
            return Optional.empty();
          }
          return Optional.of(Secret.of(content.substring(0, end)));
        } catch (IOException | InvalidPathException e) {
          problem(
              fileVar,
              "names "
                  + file.get()
                  + ", which cannot be read ("
                  + e.getClass().getSimpleName()
                  + "); mount the secret file there");
          return Optional.empty();
        }
      }
      if (required) {
        String why =
            name.equals("CLIENT_SECRET")
                ? "is required when AUTH_METHOD=client_secret"
                : "is required when TENANT_UUID is set";
        problem(name, why + "; set " + name + " or " + fileVar);
      }
      return Optional.empty();
    }

    AuthMethod authMethod() {
      Optional<String> v = optional("AUTH_METHOD");
      if (v.isEmpty()) {
        return AuthMethod.CLIENT_SECRET;
      }
      for (AuthMethod m : AuthMethod.values()) {
        if (m.envValue().equalsIgnoreCase(v.get())) {
          return m;
        }
      }
      problem("AUTH_METHOD", "is '" + v.get() + "'; set client_secret or entra_id");
      return AuthMethod.CLIENT_SECRET;
    }

    LogFormat logFormat() {
      Optional<String> v = optional("LOG_FORMAT");
      if (v.isEmpty()) {
        return LogFormat.JSON;
      }
      try {
        return LogFormat.valueOf(v.get().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problem("LOG_FORMAT", "is '" + v.get() + "'; set json or text");
        return LogFormat.JSON;
      }
    }

    List<String> passthrough() {
      List<String> names = new ArrayList<>();
      for (String raw : string("TASK_ENV_PASSTHROUGH", "").split(",")) {
        String n = raw.trim();
        if (n.isEmpty()) {
          continue;
        }
        if (!ENV_NAME.matcher(n).matches()) {
          problem("TASK_ENV_PASSTHROUGH", "lists '" + n + "', not a variable name; remove it");
          continue;
        }
        Optional<String> reason = SinkVariables.forbiddenInTaskEnv(n);
        if (reason.isPresent()) {
          problem(
              "TASK_ENV_PASSTHROUGH",
              "lists " + n + ", which tasks may never receive (" + reason.get() + "); remove it");
          continue;
        }
        names.add(n);
      }
      return names;
    }

    Map<String, Secret> taskEnvExtra() {
      Map<String, Secret> extra = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
        if (!e.getKey().startsWith(SinkVariables.TASK_ENV_PREFIX)
            || e.getKey().equals("TASK_ENV_PASSTHROUGH")) {
          continue;
        }
        String target = e.getKey().substring(SinkVariables.TASK_ENV_PREFIX.length());
        if (target.isEmpty() || !ENV_NAME.matcher(target).matches()) {
          problem(e.getKey(), "does not name a task variable; use TASK_ENV_<NAME>");
          continue;
        }
        Optional<String> reason = SinkVariables.forbiddenInTaskEnv(target);
        if (reason.isPresent()) {
          problem(
              e.getKey(),
              "would give tasks " + target + " (" + reason.get() + "); remove or rename it");
          continue;
        }
        extra.put(target, Secret.of(e.getValue()));
      }
      return extra;
    }
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
