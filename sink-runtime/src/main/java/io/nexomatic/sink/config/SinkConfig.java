package io.nexomatic.sink.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The sink's validated configuration; built by {@link SinkConfigLoader}, secrets wrapped in {@link
 * Secret} so that {@code toString()} never shows them.
 *
 * @param hubHost HUB_HOST
 * @param hubPort HUB_PORT
 * @param clientId CLIENT_ID, the Sink Type
 * @param executorKind the interpreter family serving {@code clientId}
 * @param authMethod AUTH_METHOD
 * @param clientSecret CLIENT_SECRET / CLIENT_SECRET_FILE; present when auth is client_secret
 * @param tenantUuid TENANT_UUID, when the sink is pinned to one tenant
 * @param tenantSecret TENANT_SECRET / TENANT_SECRET_FILE; present iff {@code tenantUuid} is
 * @param azureTenantId AZURE_TENANT_ID (entra_id)
 * @param azureClientId AZURE_CLIENT_ID (entra_id)
 * @param azureFederatedTokenFile AZURE_FEDERATED_TOKEN_FILE (entra_id)
 * @param azureAuthorityHost AZURE_AUTHORITY_HOST
 * @param hubTokenScope HUB_TOKEN_SCOPE
 * @param maxLogBytes MAX_LOG_BYTES
 * @param taskTimeout TASK_TIMEOUT, used when a task carries no timeout of its own
 * @param backpressureThreshold BACKPRESSURE_THRESHOLD
 * @param concurrency CONCURRENCY
 * @param prefetch PREFETCH
 * @param drainTimeout DRAIN_TIMEOUT
 * @param killGrace KILL_GRACE, between TERM and KILL of a task's process group
 * @param tlsEnabled TLS_ENABLED
 * @param tlsCaFile TLS_CA_FILE
 * @param tlsServerName TLS_SERVER_NAME
 * @param modulesPath MODULES_PATH
 * @param interpreter the resolved executable of the interpreter serving {@code clientId}
 * @param workDir WORK_DIR, parent of the per-task working directories
 * @param logFormat LOG_FORMAT
 * @param logLevel LOG_LEVEL (a logback level name)
 * @param readinessFile READINESS_FILE
 * @param livenessFile LIVENESS_FILE
 * @param podName POD_NAME
 * @param nodeName NODE_NAME
 * @param taskEnvPassthrough TASK_ENV_PASSTHROUGH, sink variables copied into task environments
 * @param taskEnvExtra TASK_ENV_&lt;NAME&gt; variables, keyed by NAME, values redacted in toString
 * @param maxTaskProcesses MAX_TASK_PROCESSES; 0 disables the limit
 * @param maxTasks MAX_TASKS: tasks the sink takes before it drains and exits 0 (an ephemeral sink
 *     takes 1); 0 means no limit
 */
public record SinkConfig(
    String hubHost,
    int hubPort,
    String clientId,
    ExecutorKind executorKind,
    AuthMethod authMethod,
    Optional<Secret> clientSecret,
    Optional<UUID> tenantUuid,
    Optional<Secret> tenantSecret,
    Optional<String> azureTenantId,
    Optional<String> azureClientId,
    Optional<Path> azureFederatedTokenFile,
    URI azureAuthorityHost,
    String hubTokenScope,
    long maxLogBytes,
    Duration taskTimeout,
    int backpressureThreshold,
    int concurrency,
    int prefetch,
    Duration drainTimeout,
    Duration killGrace,
    boolean tlsEnabled,
    Optional<Path> tlsCaFile,
    Optional<String> tlsServerName,
    Path modulesPath,
    Path interpreter,
    Path workDir,
    LogFormat logFormat,
    String logLevel,
    Path readinessFile,
    Path livenessFile,
    Optional<String> podName,
    Optional<String> nodeName,
    List<String> taskEnvPassthrough,
    Map<String, Secret> taskEnvExtra,
    int maxTaskProcesses,
    int maxTasks) {

  /** Copies the collections so the record stays immutable. */
  public SinkConfig {
    taskEnvPassthrough = List.copyOf(taskEnvPassthrough);
    taskEnvExtra = Map.copyOf(taskEnvExtra);
  }

  /** Credits the sink grants the Hub: tasks it runs at once plus the prefetch. */
  public int credits() {
    return concurrency + prefetch;
  }
}
