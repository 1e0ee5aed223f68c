package io.nexomatic.sink.config;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The names of the sink's own environment variables, and which names tasks may never receive. */
public final class SinkVariables {
  /** Every variable the sink reads; none of them is ever copied into a task environment. */
  public static final Set<String> ALL =
      Set.of(
          "HUB_HOST",
          "HUB_PORT",
          "CLIENT_ID",
          "CLIENT_SECRET",
          "CLIENT_SECRET_FILE",
          "TENANT_UUID",
          "TENANT_SECRET",
          "TENANT_SECRET_FILE",
          "AUTH_METHOD",
          "AZURE_TENANT_ID",
          "AZURE_CLIENT_ID",
          "AZURE_FEDERATED_TOKEN_FILE",
          "AZURE_AUTHORITY_HOST",
          "HUB_TOKEN_SCOPE",
          "MAX_LOG_BYTES",
          "TASK_TIMEOUT",
          "BACKPRESSURE_THRESHOLD",
          "CONCURRENCY",
          "PREFETCH",
          "DRAIN_TIMEOUT",
          "KILL_GRACE",
          "TLS_ENABLED",
          "TLS_CA_FILE",
          "TLS_SERVER_NAME",
          "MODULES_PATH",
          "PYTHON_INTERPRETER",
          "PWSH_INTERPRETER",
          "WORK_DIR",
          "LOG_FORMAT",
          "LOG_LEVEL",
          "READINESS_FILE",
          "LIVENESS_FILE",
          "POD_NAME",
          "NODE_NAME",
          "TASK_ENV_PASSTHROUGH",
          "MAX_TASK_PROCESSES",
          "MAX_TASKS");

  /** Prefix of variables passed to tasks under the rest of their name. */
  public static final String TASK_ENV_PREFIX = "TASK_ENV_";

  private SinkVariables() {}

  /**
   * Why {@code name} may never appear in a task environment, or empty when it may. Credentials
   * leaking into task environments is a known failure of CI agents (buildkite/agent #897), so the
   * rule is by pattern, not only by the list of names the sink knows today.
   */
  public static Optional<String> forbiddenInTaskEnv(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    if (ALL.contains(upper) || upper.startsWith(TASK_ENV_PREFIX)) {
      return Optional.of("it is a sink setting");
    }
    if (upper.startsWith("AZURE_")) {
      return Optional.of("AZURE_* variables carry the sink's identity");
    }
    if (upper.startsWith("HUB_") || upper.startsWith("CLIENT_") || upper.startsWith("TENANT_")) {
      return Optional.of("HUB_*, CLIENT_* and TENANT_* variables are the sink's credentials");
    }
    if (upper.contains("SECRET") || upper.contains("TOKEN") || upper.contains("PASSWORD")) {
      return Optional.of("names containing SECRET, TOKEN or PASSWORD are treated as credentials");
    }
    if (upper.startsWith("NEXOMATIC_")) {
      return Optional.of("NEXOMATIC_* variables are set by the sink for each task");
    }
    return Optional.empty();
  }
}
