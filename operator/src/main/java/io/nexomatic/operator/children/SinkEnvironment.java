package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.nexomatic.operator.model.HubSpec;
import io.nexomatic.operator.model.RuntimeSpec;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetSpec;
import io.nexomatic.operator.sink.SinkEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The sink container's environment: the operator's variables (the Hub, the runtime settings, the
 * pod's identity, the credentials as Secret references) in a fixed order, then the user's.
 */
public final class SinkEnvironment {

  private SinkEnvironment() {}

  /** The operator's variables in a fixed order, then the user's. */
  static List<EnvVar> env(SinkFleet fleet, FleetInputs inputs) {
    SinkFleetSpec spec = fleet.getSpec();
    HubSpec hub = spec.getHub();
    RuntimeSpec runtime = Objects.requireNonNullElseGet(spec.getRuntime(), RuntimeSpec::new);
    var defaults = new RuntimeSpec();
    var env = new ArrayList<EnvVar>();
    env.add(value(SinkEnv.HUB_HOST, hub.getHost()));
    env.add(value(SinkEnv.HUB_PORT, String.valueOf(orElse(hub.getPort(), 50051))));
    env.add(value(SinkEnv.CLIENT_ID, spec.getSinkType()));
    env.add(
        value(
            SinkEnv.TENANT_UUID,
            spec.getTenant() == null || spec.getTenant().getUuid() == null
                ? ""
                : spec.getTenant().getUuid()));
    env.add(
        value(
            SinkEnv.MAX_LOG_BYTES,
            String.valueOf(orElse(runtime.getMaxLogBytes(), defaults.getMaxLogBytes()))));
    env.add(
        value(
            SinkEnv.TASK_TIMEOUT,
            String.valueOf(
                orElse(runtime.getTaskTimeoutSeconds(), defaults.getTaskTimeoutSeconds()))));
    env.add(
        value(
            SinkEnv.BACKPRESSURE_THRESHOLD,
            String.valueOf(
                orElse(runtime.getBackpressureThreshold(), defaults.getBackpressureThreshold()))));
    env.add(
        value(
            SinkEnv.CONCURRENCY,
            String.valueOf(orElse(runtime.getConcurrency(), defaults.getConcurrency()))));
    if (runtime.getPrefetch() != null) {
      env.add(value(SinkEnv.PREFETCH, String.valueOf(runtime.getPrefetch())));
    }
    env.add(value(SinkEnv.DRAIN_TIMEOUT, String.valueOf(RuntimeSpec.drainTimeoutSeconds(spec))));
    var tls = hub.getTls();
    boolean tlsEnabled = tls != null && Boolean.TRUE.equals(tls.getEnabled());
    env.add(value(SinkEnv.TLS_ENABLED, String.valueOf(tlsEnabled)));
    if (tls != null && tls.getCaSecretRef() != null) {
      env.add(value(SinkEnv.TLS_CA_FILE, SinkEnv.CA_FILE_PATH));
    }
    if (tls != null && tls.getServerName() != null && !tls.getServerName().isBlank()) {
      env.add(value(SinkEnv.TLS_SERVER_NAME, tls.getServerName()));
    }
    env.add(value(SinkEnv.WORK_DIR, SinkEnv.WORK_PATH));
    env.add(value(SinkEnv.LOG_FORMAT, "json"));
    env.add(fieldRef(SinkEnv.POD_NAME, "metadata.name"));
    env.add(fieldRef(SinkEnv.NODE_NAME, "spec.nodeName"));
    // Secrets as variables from the operator's copy, never as files: a file the sink can read,
    // its tasks (same uid) can read too, while the environment of the sink image's PID 1 and JVM
    // is closed to them (exec-only binaries make those processes non-dumpable; docs/install.md).
    String credentials = FleetLabels.credentialsSecretName(fleet);
    if (inputs.credentials().has(DerivedCredentials.CLIENT_SECRET_KEY)) {
      env.add(
          secretKeyRef(SinkEnv.CLIENT_SECRET, credentials, DerivedCredentials.CLIENT_SECRET_KEY));
    }
    if (inputs.credentials().has(DerivedCredentials.TENANT_SECRET_KEY)) {
      env.add(
          secretKeyRef(SinkEnv.TENANT_SECRET, credentials, DerivedCredentials.TENANT_SECRET_KEY));
    }
    env.add(value(SinkEnv.READINESS_FILE, SinkEnv.READINESS_PATH));
    env.add(value(SinkEnv.LIVENESS_FILE, SinkEnv.LIVENESS_PATH));
    if (SinkPodTemplate.isEntraId(spec)) {
      env.add(value(SinkEnv.AUTH_METHOD, "entra_id"));
      env.add(value(SinkEnv.AZURE_TENANT_ID, spec.getAuth().getEntraId().getTenantId()));
      env.add(value(SinkEnv.AZURE_CLIENT_ID, spec.getAuth().getEntraId().getClientId()));
    }
    if (spec.getEnv() != null) {
      env.addAll(spec.getEnv());
    }
    return env;
  }

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar secretKeyRef(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  private static EnvVar fieldRef(String name, String fieldPath) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        // The API server defaults it; declared, so the applied and the stored template match.
        .withApiVersion("v1")
        .withFieldPath(fieldPath)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static <T> T orElse(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
