package io.nexomatic.operator.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.nexomatic.operator.testing.TestFleets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicasHandoverTest {

  private static Deployment managedBy(String manager, String operation, Map<String, Object> spec) {
    var fields = new FieldsV1();
    fields.setAdditionalProperty("f:spec", spec);
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("python")
        .addToManagedFields(
            new ManagedFieldsEntryBuilder()
                .withManager(manager)
                .withOperation(operation)
                .withFieldsV1(fields)
                .build())
        .endMetadata()
        .build();
  }

  @Test
  void replicasAreTheOperatorsWhileItsLastApplySetThem() {
    var deployment =
        managedBy(
            "nexomatic-operator", "Apply", Map.of("f:replicas", Map.of(), "f:template", Map.of()));

    assertThat(ReplicasHandover.appliedBy(deployment, "nexomatic-operator")).isTrue();
  }

  @Test
  void replicasAreNotTheOperatorsOnceItsApplyLeftThemOut() {
    var deployment = managedBy("nexomatic-operator", "Apply", Map.of("f:template", Map.of()));

    assertThat(ReplicasHandover.appliedBy(deployment, "nexomatic-operator")).isFalse();
  }

  @Test
  void anotherManagersOwnershipIsNotTheOperators() {
    var hpa = managedBy("kube-controller-manager", "Update", Map.of("f:replicas", Map.of()));
    var handover =
        managedBy(ReplicasHandover.HANDOVER_MANAGER, "Apply", Map.of("f:replicas", Map.of()));

    assertThat(ReplicasHandover.appliedBy(hpa, "nexomatic-operator")).isFalse();
    assertThat(ReplicasHandover.appliedBy(handover, "nexomatic-operator")).isFalse();
  }

  @Test
  void aDeploymentWithoutManagedFieldsIsNotTheOperators() {
    var deployment =
        new DeploymentBuilder().withNewMetadata().withName("python").endMetadata().build();

    assertThat(ReplicasHandover.appliedBy(deployment, "nexomatic-operator")).isFalse();
  }

  @Test
  void theHpaStartsFromTheCurrentCountButNeverBelowMinReplicas() {
    var fleet = TestFleets.pythonFleet();
    fleet.getSpec().getAutoscaling().setMinReplicas(3);

    assertThat(ReplicasHandover.startingCount(withReplicas(5), TestFleets.effective(fleet)))
        .isEqualTo(5);
    assertThat(ReplicasHandover.startingCount(withReplicas(0), TestFleets.effective(fleet)))
        .as("resuming a suspended Cpu fleet: an HPA would leave 0 alone")
        .isEqualTo(3);
  }

  private static Deployment withReplicas(int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("python")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .build();
  }
}
