package io.nexomatic.operator.children;

import static io.nexomatic.operator.testing.TestFleets.inputs;
import static io.nexomatic.operator.testing.TestFleets.pythonFleet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.nexomatic.operator.model.AuthMethod;
import io.nexomatic.operator.model.EntraIdSpec;
import io.nexomatic.operator.model.SecretKeyRef;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.TenantSpec;
import io.nexomatic.operator.testing.TestFleets;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DeploymentDependentTest {

  private static final String SECRET = "s3cr3t-value";

  private static Deployment build(SinkFleet fleet) {
    return DeploymentDependent.build(fleet, inputs(fleet, OptionalInt.of(2), SECRET));
  }

  private static Container sink(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, String> env(Deployment deployment) {
    return sink(deployment).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void runsTheSinkImageThroughItsOwnEntrypoint() {
    var container = sink(build(pythonFleet()));

    assertThat(container.getImage()).isEqualTo("registry.example.com/nexomatic/sink-python:1.0.0");
    assertThat(container.getCommand()).isEmpty();
    assertThat(container.getArgs()).isEmpty();
  }

  @Test
  void passesTheSeedsEnvironmentContractWithSchemaDefaults() {
    assertThat(env(build(pythonFleet())))
        .containsEntry("HUB_HOST", "hub.nexomatic.svc")
        .containsEntry("HUB_PORT", "50051")
        .containsEntry("CLIENT_ID", "LOCAL:BASE")
        .containsEntry("TENANT_UUID", "")
        .containsEntry("MAX_LOG_BYTES", "5242880")
        .containsEntry("TASK_TIMEOUT", "3600")
        .containsEntry("BACKPRESSURE_THRESHOLD", "10")
        .containsEntry("CONCURRENCY", "1")
        .containsEntry("DRAIN_TIMEOUT", "120")
        .containsEntry("TLS_ENABLED", "false")
        .containsEntry("WORK_DIR", "/work")
        .containsEntry("LOG_FORMAT", "json")
        .containsEntry("READINESS_FILE", "/tmp/nexomatic/ready")
        .containsEntry("LIVENESS_FILE", "/tmp/nexomatic/alive")
        .doesNotContainKeys("PREFETCH", "TENANT_SECRET", "AUTH_METHOD", "TLS_CA_FILE");
  }

  /** Variables taken from a Secret: name to "secret/key". */
  private static Map<String, String> secretRefs(List<EnvVar> env) {
    return env.stream()
        .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
        .collect(
            Collectors.toMap(
                EnvVar::getName,
                e ->
                    e.getValueFrom().getSecretKeyRef().getName()
                        + "/"
                        + e.getValueFrom().getSecretKeyRef().getKey()));
  }

  @Test
  void takesPodAndNodeNameFromTheDownwardApi() {
    var byName =
        sink(build(pythonFleet())).getEnv().stream()
            .filter(e -> e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null)
            .collect(
                Collectors.toMap(
                    EnvVar::getName, e -> e.getValueFrom().getFieldRef().getFieldPath()));

    assertThat(byName)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("POD_NAME", "metadata.name", "NODE_NAME", "spec.nodeName"));
  }

  @Test
  void takesTheSecretFromTheOperatorsCopyAsAVariableAndMountsNoSecretFile() {
    var deployment = build(pythonFleet());
    var container = sink(deployment);

    assertThat(container.getEnv())
        .allSatisfy(e -> assertThat(String.valueOf(e.getValue())).doesNotContain(SECRET));
    // A file the sink can read, its tasks can read; the sink image closes its environment.
    assertThat(secretRefs(container.getEnv()))
        .containsExactlyEntriesOf(Map.of("CLIENT_SECRET", "python-credentials/client-secret"));
    assertThat(env(deployment)).doesNotContainKeys("CLIENT_SECRET_FILE", "CLIENT_SECRET");
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
        .noneSatisfy(v -> assertThat(v.getSecret()).isNotNull());
  }

  @Test
  void passesTheTenantSecretOnlyWhenTheFleetIsPinnedWithASecret() {
    var fleet = pythonFleet();
    var tenant = new TenantSpec();
    tenant.setUuid("0d5b7c2e-1f3a-4b6c-9d8e-7f6a5b4c3d2e");
    tenant.setSecretRef(new SecretKeyRef("tenant", "secret"));
    fleet.getSpec().setTenant(tenant);
    var pinned =
        new FleetInputs(
            TestFleets.effective(fleet),
            OptionalInt.of(1),
            new DerivedCredentials(
                Map.of(
                    DerivedCredentials.CLIENT_SECRET_KEY, bytes("a"),
                    DerivedCredentials.TENANT_SECRET_KEY, bytes("b")),
                null));

    var env = SinkEnvironment.env(fleet, pinned);

    assertThat(env).contains(value("TENANT_UUID", "0d5b7c2e-1f3a-4b6c-9d8e-7f6a5b4c3d2e"));
    assertThat(secretRefs(env))
        .containsEntry("TENANT_SECRET", "python-credentials/tenant-secret")
        .containsEntry("CLIENT_SECRET", "python-credentials/client-secret");
  }

  @Test
  void appendsTheUsersVariablesAfterTheOperatorsOwn() {
    var fleet = pythonFleet();
    fleet.getSpec().setEnv(List.of(value("MODULES_PATH", "/opt/modules")));

    var names = sink(build(fleet)).getEnv().stream().map(EnvVar::getName).toList();

    assertThat(names.get(names.size() - 1)).isEqualTo("MODULES_PATH");
    assertThat(names.subList(0, 3)).containsExactly("HUB_HOST", "HUB_PORT", "CLIENT_ID");
  }

  @Test
  void setsPrefetchOnlyWhenTheSpecDoes() {
    var fleet = pythonFleet();
    fleet.getSpec().getRuntime().setPrefetch(2);

    assertThat(env(build(fleet))).containsEntry("PREFETCH", "2");
  }

  @Test
  void runsUnderTheRestrictedPodSecurityStandard() {
    var pod = build(pythonFleet()).getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0).getSecurityContext();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getEmptyDir() != null)
        .extracting(v -> v.getName())
        .containsExactlyInAnyOrder("work", "tmp");
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .contains("/work", "/tmp");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getServiceAccountName()).isEqualTo("python");
  }

  @Test
  void probesReadinessAndLivenessByTheFreshnessOfTheRuntimesFiles() {
    var container = sink(build(pythonFleet()));

    assertThat(container.getReadinessProbe().getExec().getCommand())
        .containsExactly(
            "/bin/sh",
            "-c",
            "find \"$READINESS_FILE\" -newermt '-30 seconds' 2>/dev/null | grep -q .");
    assertThat(container.getLivenessProbe().getExec().getCommand())
        .containsExactly(
            "/bin/sh",
            "-c",
            "find \"$LIVENESS_FILE\" -newermt '-120 seconds' 2>/dev/null | grep -q .");
  }

  @Test
  void givesPodsTheDrainTimeoutPlusFifteenSecondsToTerminateByDefault() {
    var fleet = pythonFleet();
    fleet.getSpec().getRuntime().setDrainTimeoutSeconds(600);

    assertThat(build(fleet).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isEqualTo(615L);
  }

  @Test
  void keepsAnExplicitGracePeriod() {
    var fleet = pythonFleet();
    fleet.getSpec().setTerminationGracePeriodSeconds(900L);

    assertThat(build(fleet).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .isEqualTo(900L);
  }

  @Test
  void omitsReplicasWhenAHorizontalPodAutoscalerOwnsThem() {
    var deployment =
        DeploymentDependent.build(
            pythonFleet(), inputs(pythonFleet(), OptionalInt.empty(), SECRET));

    assertThat(deployment.getSpec().getReplicas()).isNull();
  }

  @Test
  void declaresThePlannedReplicas() {
    assertThat(build(pythonFleet()).getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void annotatesThePodTemplateWithAHashThatChangesWhenTheSecretRotates() {
    var before =
        DeploymentDependent.build(pythonFleet(), inputs(pythonFleet(), OptionalInt.of(2), "old"))
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get(SinkPodTemplate.CREDENTIALS_HASH_ANNOTATION);
    var after =
        DeploymentDependent.build(pythonFleet(), inputs(pythonFleet(), OptionalInt.of(2), "new"))
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get(SinkPodTemplate.CREDENTIALS_HASH_ANNOTATION);

    assertThat(before).hasSize(64).isNotEqualTo(after).doesNotContain("old");
  }

  @Test
  void labelsEverythingForSelectionAndOwnership() {
    var fleet = pythonFleet();
    fleet.getSpec().setPodLabels(Map.of("team", "payments", FleetLabels.INSTANCE, "spoofed"));
    var deployment = build(fleet);

    assertThat(deployment.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", "nexomatic-sink")
        .containsEntry("app.kubernetes.io/instance", "python")
        .containsEntry("app.kubernetes.io/component", "sink")
        .containsEntry("app.kubernetes.io/managed-by", "nexomatic-operator");
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app.kubernetes.io/name",
                "nexomatic-sink",
                "app.kubernetes.io/instance",
                "python"));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "payments")
        .containsEntry(FleetLabels.INSTANCE, "python");
  }

  @Test
  void wiresEntraIdWorkloadIdentityIntoThePods() {
    var fleet = pythonFleet();
    fleet.getSpec().getAuth().setMethod(AuthMethod.ENTRA_ID);
    fleet.getSpec().getAuth().setClientSecretRef(null);
    var entra = new EntraIdSpec();
    entra.setTenantId("11111111-2222-4333-8444-555555555555");
    entra.setClientId("66666666-7777-4888-9999-000000000000");
    fleet.getSpec().getAuth().setEntraId(entra);

    var deployment =
        DeploymentDependent.build(
            fleet,
            new FleetInputs(
                TestFleets.effective(fleet),
                OptionalInt.of(1),
                new DerivedCredentials(Map.of(), null)));

    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("azure.workload.identity/use", "true");
    assertThat(deployment.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
        .isTrue();
    assertThat(env(deployment))
        .containsEntry("AUTH_METHOD", "entra_id")
        .containsEntry("AZURE_TENANT_ID", "11111111-2222-4333-8444-555555555555")
        .containsEntry("AZURE_CLIENT_ID", "66666666-7777-4888-9999-000000000000")
        .doesNotContainKey("CLIENT_SECRET_FILE");
    assertThat(secretRefs(sink(deployment).getEnv())).isEmpty();
  }

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
