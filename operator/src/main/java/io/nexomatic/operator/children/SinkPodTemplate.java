package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
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
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetSpec;
import io.nexomatic.operator.sink.SinkEnv;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hardened sink pod every fleet runs, under the restricted Pod Security Standard: the
 * Deployment's template and each ephemeral pod's base. The sink's environment comes from {@link
 * SinkEnvironment}.
 */
public final class SinkPodTemplate {

  /** Pod-template annotation carrying {@link DerivedCredentials#sha256()}. */
  public static final String CREDENTIALS_HASH_ANNOTATION = "sinks.nexomatic.io/credentials-sha256";

  public static final String CONTAINER_NAME = "sink";
  public static final long RUN_AS_USER = 10001L;

  static final String WORKLOAD_IDENTITY_USE_LABEL = "azure.workload.identity/use";

  private static final String READINESS_CHECK =
      "find \"$READINESS_FILE\" -newermt '-30 seconds' 2>/dev/null | grep -q .";
  private static final String LIVENESS_CHECK =
      "find \"$LIVENESS_FILE\" -newermt '-120 seconds' 2>/dev/null | grep -q .";

  private SinkPodTemplate() {}

  /** The sink pod every fleet runs: the Deployment's template, and each ephemeral pod's base. */
  public static PodTemplateSpec podTemplate(SinkFleet fleet, FleetInputs inputs) {
    var spec = fleet.getSpec();
    var podLabels = new LinkedHashMap<String, String>();
    if (spec.getPodLabels() != null) {
      podLabels.putAll(spec.getPodLabels());
    }
    podLabels.putAll(FleetLabels.common(fleet));
    if (inputs.effective().entraId()) {
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
        .withAutomountServiceAccountToken(inputs.effective().entraId())
        .withTerminationGracePeriodSeconds(inputs.effective().terminationGracePeriodSeconds())
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

  private static Container container(SinkFleet fleet, FleetInputs inputs) {
    var spec = fleet.getSpec();
    return new ContainerBuilder()
        .withName(CONTAINER_NAME)
        .withImage(spec.getImage())
        .withImagePullPolicy(
            spec.getImagePullPolicy() == null ? null : spec.getImagePullPolicy().kubernetesValue())
        .withEnv(SinkEnvironment.env(fleet, inputs))
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

  private static <T> List<T> emptyToNull(List<T> list) {
    return list == null || list.isEmpty() ? null : list;
  }

  private static <K, V> Map<K, V> emptyToNull(Map<K, V> map) {
    return map == null || map.isEmpty() ? null : map;
  }
}
