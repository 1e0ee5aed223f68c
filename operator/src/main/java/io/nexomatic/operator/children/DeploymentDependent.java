package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.nexomatic.operator.model.AuthMethod;
import io.nexomatic.operator.model.HubSpec;
import io.nexomatic.operator.model.RuntimeSpec;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetSpec;
import io.nexomatic.operator.sink.SinkEnv;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The fleet's Deployment: sink pods under the restricted Pod Security Standard. */
@KubernetesDependent(
    informer = @Informer(labelSelector = FleetLabels.MANAGED_SELECTOR),
    matcher = ValueFromEnvMatcher.class)
public class DeploymentDependent extends CRUDKubernetesDependentResource<Deployment, SinkFleet> {

  /** Pod-template annotation carrying {@link DerivedCredentials#sha256()}. */
  public static final String CREDENTIALS_HASH_ANNOTATION = "sinks.nexomatic.io/credentials-sha256";

  public static final String CONTAINER_NAME = "sink";
  public static final long RUN_AS_USER = 10001L;

  /** Grace added to the drain timeout so results are delivered before the pod is killed. */
  public static final int GRACE_BEYOND_DRAIN_SECONDS = 15;

  static final String WORKLOAD_IDENTITY_USE_LABEL = "azure.workload.identity/use";

  private static final String READINESS_CHECK =
      "find \"$READINESS_FILE\" -newermt '-30 seconds' 2>/dev/null | grep -q .";
  private static final String LIVENESS_CHECK =
      "find \"$LIVENESS_FILE\" -newermt '-120 seconds' 2>/dev/null | grep -q .";

  public DeploymentDependent() {
    super(Deployment.class);
  }

  @Override
  protected Deployment desired(SinkFleet fleet, Context<SinkFleet> context) {
    return build(fleet, FleetInputs.from(context));
  }

  /**
   * Before the first apply that leaves {@code replicas} out (an HPA takes over), hands the field to
   * a manager of its own at its current value. Dropped from the operator's apply alone, the field
   * would have no owner left, and the API server would reset it to its default of 1, killing busy
   * sinks until the HPA scales back up. Held by the handover manager it keeps its value (raised to
   * minReplicas when below, as after a suspension: an HPA leaves a Deployment at 0 alone), and the
   * HPA's first scale takes it over.
   */
  @Override
  public Deployment update(
      Deployment actual, Deployment desired, SinkFleet fleet, Context<SinkFleet> context) {
    String fieldManager = context.getControllerConfiguration().fieldManager();
    if (desired.getSpec().getReplicas() == null
        && ReplicasHandover.appliedBy(actual, fieldManager)) {
      ReplicasHandover.handOver(
          actual, ReplicasHandover.startingCount(actual, fleet), context.getClient());
    }
    return super.update(actual, desired, fleet, context);
  }

  /**
   * A fleet created straight into {@code Cpu} mode gets a Deployment without {@code replicas}; the
   * API server defaults it to 1 and nobody owns it, so until the HPA first acts (it needs metrics)
   * the fleet would run one sink below its minReplicas. The handover manager sets minReplicas right
   * away, as it does when a running fleet enters {@code Cpu} mode.
   */
  @Override
  public Deployment create(Deployment desired, SinkFleet fleet, Context<SinkFleet> context) {
    Deployment created = super.create(desired, fleet, context);
    if (desired.getSpec().getReplicas() == null) {
      ReplicasHandover.handOver(
          created, ReplicasHandover.startingCount(created, fleet), context.getClient());
    }
    return created;
  }

  /** The Deployment for {@code fleet}; pure, so tests can run exactly what it renders. */
  public static Deployment build(SinkFleet fleet, FleetInputs inputs) {
    var deployment =
        new DeploymentBuilder()
            .withMetadata(FleetLabels.childMetadata(fleet))
            .withNewSpec()
            .withNewSelector()
            .withMatchLabels(FleetLabels.selector(fleet))
            .endSelector()
            .withTemplate(podTemplate(fleet, inputs))
            .endSpec()
            .build();
    // Omitted rather than null-valued: under server-side apply an absent field is not ours, so
    // the HPA's writes to spec.replicas are left alone.
    inputs.replicas().ifPresent(r -> deployment.getSpec().setReplicas(r));
    return deployment;
  }

  /** The sink pod every fleet runs: the Deployment's template, and each ephemeral pod's base. */
  public static PodTemplateSpec podTemplate(SinkFleet fleet, FleetInputs inputs) {
    var spec = fleet.getSpec();
    var podLabels = new LinkedHashMap<String, String>();
    if (spec.getPodLabels() != null) {
      podLabels.putAll(spec.getPodLabels());
    }
    podLabels.putAll(FleetLabels.common(fleet));
    if (isEntraId(spec)) {
      podLabels.put(WORKLOAD_IDENTITY_USE_LABEL, "true");
    }
    var podAnnotations = new LinkedHashMap<String, String>();
    if (spec.getPodAnnotations() != null) {
      podAnnotations.putAll(spec.getPodAnnotations());
    }
    podAnnotations.put(CREDENTIALS_HASH_ANNOTATION, inputs.credentials().sha256());
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(podAnnotations)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(FleetLabels.workloadName(fleet))
        .withAutomountServiceAccountToken(isEntraId(spec))
        .withTerminationGracePeriodSeconds(terminationGracePeriodSeconds(spec))
        .withSecurityContext(
            new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS_USER)
                .withRunAsGroup(RUN_AS_USER)
                .withFsGroup(RUN_AS_USER)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build())
        .withImagePullSecrets(emptyToNull(spec.getImagePullSecrets()))
        .withNodeSelector(emptyToNull(spec.getNodeSelector()))
        .withTolerations(emptyToNull(spec.getTolerations()))
        .withAffinity(spec.getAffinity())
        .withTopologySpreadConstraints(emptyToNull(spec.getTopologySpreadConstraints()))
        .withPriorityClassName(spec.getPriorityClassName())
        .withContainers(container(fleet, inputs))
        .withVolumes(volumes(fleet))
        .endSpec()
        .build();
  }

  /** The pod's grace period: the spec's, else the drain timeout plus a margin. */
  public static long terminationGracePeriodSeconds(SinkFleetSpec spec) {
    return Optional.ofNullable(spec.getTerminationGracePeriodSeconds())
        .orElse((long) RuntimeSpec.drainTimeoutSeconds(spec) + GRACE_BEYOND_DRAIN_SECONDS);
  }

  private static Container container(SinkFleet fleet, FleetInputs inputs) {
    var spec = fleet.getSpec();
    return new ContainerBuilder()
        .withName(CONTAINER_NAME)
        .withImage(spec.getImage())
        .withImagePullPolicy(
            spec.getImagePullPolicy() == null ? null : spec.getImagePullPolicy().kubernetesValue())
        .withEnv(env(fleet, inputs))
        .withResources(spec.getResources())
        .withVolumeMounts(volumeMounts(spec))
        .withReadinessProbe(execProbe(READINESS_CHECK, 10, 3))
        .withLivenessProbe(execProbe(LIVENESS_CHECK, 30, 3))
        // Gives a slow JVM start two minutes before liveness applies.
        .withStartupProbe(execProbe(LIVENESS_CHECK, 5, 24))
        .withSecurityContext(
            new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build())
        .build();
  }

  private static Probe execProbe(String check, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewExec()
        .withCommand("/bin/sh", "-c", check)
        .endExec()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(5)
        .withFailureThreshold(failureThreshold)
        .build();
  }

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
    if (isEntraId(spec)) {
      env.add(value(SinkEnv.AUTH_METHOD, "entra_id"));
      env.add(value(SinkEnv.AZURE_TENANT_ID, spec.getAuth().getEntraId().getTenantId()));
      env.add(value(SinkEnv.AZURE_CLIENT_ID, spec.getAuth().getEntraId().getClientId()));
    }
    if (spec.getEnv() != null) {
      env.addAll(spec.getEnv());
    }
    return env;
  }

  private static List<Volume> volumes(SinkFleet fleet) {
    var spec = fleet.getSpec();
    var volumes = new ArrayList<Volume>();
    volumes.add(new VolumeBuilder().withName("work").withNewEmptyDir().endEmptyDir().build());
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    var tls = spec.getHub().getTls();
    if (tls != null && tls.getCaSecretRef() != null) {
      volumes.add(
          new VolumeBuilder()
              .withName("hub-ca")
              .withNewSecret()
              .withSecretName(tls.getCaSecretRef().getName())
              .addNewItem()
              .withKey(tls.getCaSecretRef().getKey())
              .withPath("ca.crt")
              .endItem()
              .withDefaultMode(0444)
              .endSecret()
              .build());
    }
    return volumes;
  }

  private static List<VolumeMount> volumeMounts(SinkFleetSpec spec) {
    var mounts = new ArrayList<VolumeMount>();
    mounts.add(mount("work", SinkEnv.WORK_PATH));
    mounts.add(mount("tmp", SinkEnv.TMP_PATH));
    var tls = spec.getHub().getTls();
    if (tls != null && tls.getCaSecretRef() != null) {
      mounts.add(readOnlyMount("hub-ca", SinkEnv.CA_DIR));
    }
    return mounts;
  }

  private static VolumeMount mount(String name, String path) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).build();
  }

  private static VolumeMount readOnlyMount(String name, String path) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(true).build();
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

  static boolean isEntraId(SinkFleetSpec spec) {
    return spec.getAuth() != null && spec.getAuth().getMethod() == AuthMethod.ENTRA_ID;
  }

  private static <T> T orElse(T value, T fallback) {
    return value == null ? fallback : value;
  }

  private static <T> List<T> emptyToNull(List<T> list) {
    return list == null || list.isEmpty() ? null : list;
  }

  private static <K, V> Map<K, V> emptyToNull(Map<K, V> map) {
    return map == null || map.isEmpty() ? null : map;
  }
}
