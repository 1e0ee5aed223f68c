package io.nexomatic.operator.reconciler;

import static io.nexomatic.operator.testing.TestFleets.pythonFleet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeploymentHealthTest {

  private static Deployment deployment(
      long generation, long observed, int replicas, int available) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("python")
        .withGeneration(generation)
        .endMetadata()
        .withNewStatus()
        .withObservedGeneration(observed)
        .withReplicas(replicas)
        .withUpdatedReplicas(replicas)
        .withAvailableReplicas(available)
        .withReadyReplicas(available)
        .endStatus()
        .build();
  }

  @Test
  void isAvailableWhenEveryDesiredSinkIsUpdatedAndReady() {
    var verdict = DeploymentHealth.evaluate(pythonFleet(), Optional.of(deployment(2, 2, 2, 2)), 2);

    assertThat(verdict).isEqualTo(Verdict.settled(Reasons.AVAILABLE, "2 of 2 sinks ready"));
  }

  @Test
  void isRollingOutWhileTheControllerHasNotSeenTheNewTemplate() {
    var verdict = DeploymentHealth.evaluate(pythonFleet(), Optional.of(deployment(3, 2, 2, 2)), 2);

    assertThat(verdict.shape()).isEqualTo(Verdict.Shape.PROGRESSING);
    assertThat(verdict.reason()).isEqualTo(Reasons.ROLLOUT_IN_PROGRESS);
  }

  @Test
  void isRollingOutWhileSinksAreNotConnected() {
    var verdict = DeploymentHealth.evaluate(pythonFleet(), Optional.of(deployment(1, 1, 2, 1)), 2);

    assertThat(verdict.reason()).isEqualTo(Reasons.ROLLOUT_IN_PROGRESS);
    assertThat(verdict.message()).startsWith("1 of 2 sinks ready");
  }

  @Test
  void reportsAFailedDeploymentAsDegraded() {
    var failed = deployment(1, 1, 2, 0);
    failed
        .getStatus()
        .getConditions()
        .add(
            new DeploymentConditionBuilder()
                .withType("Progressing")
                .withStatus("False")
                .withReason("ProgressDeadlineExceeded")
                .withMessage("ReplicaSet python-abc has timed out progressing.")
                .build());

    var verdict = DeploymentHealth.evaluate(pythonFleet(), Optional.of(failed), 2);

    assertThat(verdict.shape()).isEqualTo(Verdict.Shape.BLOCKED);
    assertThat(verdict.reason()).isEqualTo(Reasons.DEPLOYMENT_FAILED);
    assertThat(verdict.message()).contains("timed out");
  }

  @Test
  void isSuspendedOnceTheLastSinkHasStopped() {
    var fleet = pythonFleet();
    fleet.getSpec().setSuspend(true);

    assertThat(DeploymentHealth.evaluate(fleet, Optional.of(deployment(2, 2, 1, 1)), 0).shape())
        .isEqualTo(Verdict.Shape.PROGRESSING);
    assertThat(DeploymentHealth.evaluate(fleet, Optional.of(deployment(2, 2, 0, 0)), 0))
        .isEqualTo(Verdict.settled(Reasons.SUSPENDED, "fleet suspended: no sinks running"));
  }

  @Test
  void callsAnIdleFleetWithZeroReplicasScaledToZero() {
    assertThat(
            DeploymentHealth.evaluate(pythonFleet(), Optional.of(deployment(1, 1, 0, 0)), 0)
                .reason())
        .isEqualTo(Reasons.SCALED_TO_ZERO);
  }
}
