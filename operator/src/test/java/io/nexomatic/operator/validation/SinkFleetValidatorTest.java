package io.nexomatic.operator.validation;

import static io.nexomatic.operator.testing.TestFleets.pythonFleet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.nexomatic.operator.model.AuthMethod;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.CapacityScheduleSpec;
import io.nexomatic.operator.model.FallbackPolicy;
import io.nexomatic.operator.model.SecretKeyRef;
import io.nexomatic.operator.model.SinkFleetSpec;
import io.nexomatic.operator.model.SpecRules;
import io.nexomatic.operator.model.TenantSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SinkFleetValidatorTest {

  private static SinkFleetSpec spec() {
    return pythonFleet().getSpec();
  }

  @Test
  void acceptsAValidFleet() {
    assertThat(SinkFleetValidator.validate(spec())).isEmpty();
  }

  @Test
  void requiresTheClientSecretForClientSecretAuth() {
    var spec = spec();
    spec.getAuth().setClientSecretRef(null);

    assertThat(SinkFleetValidator.validate(spec))
        .containsExactly(
            new SpecViolation(
                "spec.auth.clientSecretRef", SpecRules.CLIENT_SECRET_REQUIRED_MESSAGE));
  }

  @Test
  void requiresEntraIdSettingsForEntraIdAuth() {
    var spec = spec();
    spec.getAuth().setMethod(AuthMethod.ENTRA_ID);

    assertThat(SinkFleetValidator.validate(spec))
        .containsExactly(
            new SpecViolation("spec.auth.entraId", SpecRules.ENTRA_ID_REQUIRED_MESSAGE));
  }

  @Test
  void requiresTheTenantUuidWhenATenantSecretIsGiven() {
    var spec = spec();
    var tenant = new TenantSpec();
    tenant.setSecretRef(new SecretKeyRef("tenant", "secret"));
    spec.setTenant(tenant);

    assertThat(SinkFleetValidator.validate(spec))
        .containsExactly(
            new SpecViolation("spec.tenant.uuid", SpecRules.TENANT_UUID_REQUIRED_MESSAGE));
  }

  @Test
  void rejectsMinReplicasAboveMaxReplicas() {
    var spec = spec();
    spec.getAutoscaling().setMinReplicas(5);
    spec.getAutoscaling().setMaxReplicas(2);

    assertThat(SinkFleetValidator.validate(spec))
        .extracting(SpecViolation::field)
        .containsExactly("spec.autoscaling.minReplicas");
  }

  @Test
  void rejectsScaleToZeroUnderCpuAutoscaling() {
    var spec = spec();
    spec.getAutoscaling().setMode(AutoscalingMode.CPU);
    spec.getAutoscaling().setMinReplicas(0);

    assertThat(SinkFleetValidator.validate(spec))
        .extracting(SpecViolation::message)
        .containsExactly(SpecRules.CPU_MIN_AT_LEAST_ONE_MESSAGE);
  }

  @Test
  void capsTheScaleDownWindowAtTheHpasHourUnderCpuAutoscalingOnly() {
    var spec = spec();
    spec.getAutoscaling().setScaleDownStabilizationSeconds(7200);
    assertThat(SinkFleetValidator.validate(spec)).as("Backlog waits as long as asked").isEmpty();

    spec.getAutoscaling().setMode(AutoscalingMode.CPU);
    assertThat(SinkFleetValidator.validate(spec))
        .extracting(SpecViolation::field, SpecViolation::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "spec.autoscaling.scaleDownStabilizationSeconds",
                SpecRules.CPU_STABILIZATION_WITHIN_HPA_LIMIT_MESSAGE));
  }

  @Test
  void requiresFallbackReplicasForTheFixedPolicy() {
    var spec = spec();
    spec.getAutoscaling().getFallback().setPolicy(FallbackPolicy.FIXED);

    assertThat(SinkFleetValidator.validate(spec))
        .extracting(SpecViolation::field)
        .containsExactly("spec.autoscaling.fallback.replicas");
  }

  @Test
  void rejectsAGracePeriodThatDoesNotExceedTheDrainTimeout() {
    var spec = spec();
    spec.setTerminationGracePeriodSeconds(120L);

    assertThat(SinkFleetValidator.validate(spec))
        .containsExactly(
            new SpecViolation(
                "spec.terminationGracePeriodSeconds", SpecRules.GRACE_ABOVE_DRAIN_MESSAGE));
  }

  @Test
  void namesTheReservedVariableAUserTriesToOverride() {
    var spec = spec();
    spec.setEnv(
        List.of(
            new EnvVarBuilder().withName("MODULES_PATH").withValue("/m").build(),
            new EnvVarBuilder().withName("HUB_HOST").withValue("evil").build()));

    var violations = SinkFleetValidator.validate(spec);

    assertThat(violations).hasSize(1);
    assertThat(violations.get(0).field()).isEqualTo("spec.env[1].name");
    assertThat(violations.get(0).message()).contains("HUB_HOST").contains("operator manages it");
  }

  @Test
  void forbidsPlainTextSecretsInTheEnvironment() {
    var spec = spec();
    spec.setEnv(List.of(new EnvVarBuilder().withName("CLIENT_SECRET").withValue("x").build()));

    assertThat(SinkFleetValidator.validate(spec))
        .extracting(SpecViolation::message)
        .singleElement()
        .asString()
        .contains("CLIENT_SECRET");
  }

  @Test
  void aNetworkPolicyForAHubInsideTheClusterNeedsHubPeers() {
    for (String host : List.of("nexomatic-hub", "hub.nexomatic.svc", "hub.ns.svc.cluster.local")) {
      var spec = spec();
      spec.getHub().setHost(host);
      spec.getNetworkPolicy().setEnabled(true);
      assertThat(SinkFleetValidator.validate(spec))
          .as(host)
          .containsExactly(
              new SpecViolation(
                  "spec.networkPolicy.hubPeers", SpecRules.NETWORK_POLICY_NEEDS_HUB_PEERS_MESSAGE));
    }
    for (String host : List.of("hub.example.com", "10.0.0.5", "fd00::5")) {
      var spec = spec();
      spec.getHub().setHost(host);
      spec.getNetworkPolicy().setEnabled(true);
      assertThat(SinkFleetValidator.validate(spec)).as(host).isEmpty();
    }
  }

  @Test
  void capacitySchedulesAreCheckedFieldByFieldAndOnlyInBacklogMode() {
    var spec = spec();
    var schedule = new CapacityScheduleSpec();
    schedule.setCron("0 25 * * *");
    schedule.setTimeZone("Mars/Olympus");
    schedule.setDurationMinutes(0);
    schedule.setMinReplicas(2);
    spec.getAutoscaling().setSchedules(List.of(schedule));

    assertThat(SinkFleetValidator.validate(spec))
        .extracting(SpecViolation::field)
        .containsExactly(
            "spec.autoscaling.schedules",
            "spec.autoscaling.schedules[0].cron",
            "spec.autoscaling.schedules[0].timeZone",
            "spec.autoscaling.schedules[0].durationMinutes");
    assertThat(SinkFleetValidator.validate(spec).get(1).message())
        .isEqualTo("cron \"0 25 * * *\": hour 25 is out of range 0-23");
  }

  @Test
  void listsEveryProblemAtOnce() {
    var spec = spec();
    spec.setSinkType("not a type");
    spec.setImage(" ");
    spec.getHub().setHost(null);

    assertThat(SinkFleetValidator.validate(spec))
        .extracting(SpecViolation::field)
        .containsExactly("spec.sinkType", "spec.image", "spec.hub.host");
  }
}
