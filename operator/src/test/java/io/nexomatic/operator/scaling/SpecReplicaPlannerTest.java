package io.nexomatic.operator.scaling;

import static io.nexomatic.operator.testing.TestFleets.pythonFleet;
import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.SinkFleetStatus;
import io.nexomatic.operator.testing.TestFleets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SpecReplicaPlannerTest {

  private final ReplicaPlanner planner = new SpecReplicaPlanner();

  @Test
  void followsSpecReplicasWithoutAutoscaling() {
    assertThat(planner.desiredReplicas(pythonFleet(), TestFleets.effective(pythonFleet())))
        .isEqualTo(OptionalInt.of(2));
  }

  @Test
  void leavesTheCountToTheHpaInCpuMode() {
    var fleet = pythonFleet();
    fleet.getSpec().getAutoscaling().setMode(AutoscalingMode.CPU);

    assertThat(planner.desiredReplicas(fleet, TestFleets.effective(fleet))).isEmpty();
  }

  @Test
  void runsNothingWhileSuspendedWhateverTheMode() {
    var fleet = pythonFleet();
    fleet.getSpec().getAutoscaling().setMode(AutoscalingMode.CPU);
    fleet.getSpec().setSuspend(true);

    assertThat(planner.desiredReplicas(fleet, TestFleets.effective(fleet)))
        .isEqualTo(OptionalInt.of(0));
  }

  @Test
  void startsABacklogFleetAtMinReplicas() {
    var fleet = pythonFleet();
    fleet.getSpec().getAutoscaling().setMode(AutoscalingMode.BACKLOG);
    fleet.getSpec().getAutoscaling().setMinReplicas(3);

    assertThat(planner.desiredReplicas(fleet, TestFleets.effective(fleet)))
        .isEqualTo(OptionalInt.of(3));
  }

  @Test
  void keepsTheAutoscalersLastDecisionWithinBounds() {
    var fleet = pythonFleet();
    fleet.getSpec().getAutoscaling().setMode(AutoscalingMode.BACKLOG);
    fleet.getSpec().getAutoscaling().setMinReplicas(1);
    fleet.getSpec().getAutoscaling().setMaxReplicas(4);
    var status = new SinkFleetStatus();
    status.setDesiredReplicas(3);
    fleet.setStatus(status);
    assertThat(planner.desiredReplicas(fleet, TestFleets.effective(fleet)))
        .isEqualTo(OptionalInt.of(3));

    status.setDesiredReplicas(9);
    assertThat(planner.desiredReplicas(fleet, TestFleets.effective(fleet)))
        .isEqualTo(OptionalInt.of(4));
  }
}
