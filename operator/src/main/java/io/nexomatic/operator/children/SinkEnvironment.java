package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.model.HubSpec;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetSpec;
import io.nexomatic.operator.sink.SinkEnv;
import java.util.ArrayList;
import java.util.List;

/**
 * The sink container's environment: the operator's variables (the Hub, the runtime settings, the
 * pod's identity, the credentials as Secret references) in a fixed order, then the user's.
 */
public final class SinkEnvironment {

  private SinkEnvironment() {}

  /** The operator's variables in a fixed order, then the user's. */
  static List<EnvVar> env(SinkFleet fleet, FleetInputs inputs) {
    SinkFleetSpec spec = fleet.getSpec();
    EffectiveFleet effective = inputs.effective();
    HubSpec hub = spec.getHub();
    var env = new ArrayList<EnvVar>();
    env.add(value(SinkEnv.HUB_HOST, hub.getHost()));
    env.add(value(SinkEnv.HUB_PORT, String.valueOf(effective.hubPort())));
    env.add(value(SinkEnv.CLIENT_ID, spec.getSinkType()));
    env.add(value(SinkEnv.TENANT_UUID, effective.tenantUuid()));
    env.add(value(SinkEnv.MAX_LOG_BYTES, String.valueOf(effective.maxLogBytes())));
    env.add(value(SinkEnv.TASK_TIMEOUT, String.valueOf(effective.taskTimeoutSeconds())));
    env.add(
        value(SinkEnv.BACKPRESSURE_THRESHOLD, String.valueOf(effective.backpressureThreshold())));
    env.add(value(SinkEnv.CONCURRENCY, String.valueOf(effective.concurrency())));
    // No default: unset leaves the runtime's own.
    Integer prefetch = spec.getRuntime() == null ? null : spec.getRuntime().getPrefetch();
    if (prefetch != null) {
      env.add(value(SinkEnv.PREFETCH, String.valueOf(prefetch)));
    }
    env.add(value(SinkEnv.DRAIN_TIMEOUT, String.valueOf(effective.drainTimeoutSeconds())));
    env.add(value(SinkEnv.TLS_ENABLED, String.valueOf(effective.tlsEnabled())));
    var tls = hub.getTls();
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
    if (effective.entraId()) {
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
}
