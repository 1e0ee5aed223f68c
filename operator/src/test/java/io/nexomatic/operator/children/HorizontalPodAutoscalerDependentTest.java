package io.nexomatic.operator.children;

import static io.nexomatic.operator.testing.TestFleets.pythonFleet;
import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.testing.TestFleets;
import org.junit.jupiter.api.Test;

class HorizontalPodAutoscalerDependentTest {

  @Test
  void scalesTheFleetsDeploymentOnAverageCpuUtilisationWithinBounds() {
    var fleet = pythonFleet();
    fleet.getSpec().getAutoscaling().setMode(AutoscalingMode.CPU);
    fleet.getSpec().getAutoscaling().setMinReplicas(2);
    fleet.getSpec().getAutoscaling().setMaxReplicas(7);
    fleet.getSpec().getAutoscaling().setTargetCPUUtilizationPercentage(65);

    var hpa = HorizontalPodAutoscalerDependent.build(fleet, TestFleets.effective(fleet));

    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("python");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(7);
    var metric = hpa.getSpec().getMetrics().get(0).getResource();
    assertThat(metric.getName()).isEqualTo("cpu");
    assertThat(metric.getTarget().getAverageUtilization()).isEqualTo(65);
    assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
        .as("the fleet's scale-down stabilization, default 300 as the HPA's own")
        .isEqualTo(300);

    fleet.getSpec().getAutoscaling().setScaleDownStabilizationSeconds(30);
    assertThat(
            HorizontalPodAutoscalerDependent.build(fleet, TestFleets.effective(fleet))
                .getSpec()
                .getBehavior()
                .getScaleDown()
                .getStabilizationWindowSeconds())
        .isEqualTo(30);
  }

  @Test
  void existsOnlyInCpuModeWhileTheFleetRuns() {
    var fleet = pythonFleet();
    assertThat(CpuAutoscaling.holdsFor(fleet)).isFalse();

    fleet.getSpec().getAutoscaling().setMode(AutoscalingMode.CPU);
    assertThat(CpuAutoscaling.holdsFor(fleet)).isTrue();

    fleet.getSpec().setSuspend(true);
    assertThat(CpuAutoscaling.holdsFor(fleet)).isFalse();

    fleet.getSpec().setSuspend(false);
    fleet.getSpec().getAutoscaling().setMode(AutoscalingMode.BACKLOG);
    assertThat(CpuAutoscaling.holdsFor(fleet)).isFalse();
  }
}
