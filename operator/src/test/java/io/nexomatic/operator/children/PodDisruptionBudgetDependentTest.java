package io.nexomatic.operator.children;

import static io.nexomatic.operator.testing.TestFleets.pythonFleet;
import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.operator.testing.TestFleets;
import org.junit.jupiter.api.Test;

class PodDisruptionBudgetDependentTest {

  @Test
  void letsOneSinkBeEvictedAtATimeByDefault() {
    var pdb =
        PodDisruptionBudgetDependent.build(pythonFleet(), TestFleets.effective(pythonFleet()));

    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/instance", "python");
  }

  @Test
  void followsTheSpecsDisruptionLimit() {
    var fleet = pythonFleet();
    fleet.getSpec().getDisruption().setMaxUnavailable(3);

    assertThat(
            PodDisruptionBudgetDependent.build(fleet, TestFleets.effective(fleet))
                .getSpec()
                .getMaxUnavailable()
                .getIntVal())
        .isEqualTo(3);
  }
}
