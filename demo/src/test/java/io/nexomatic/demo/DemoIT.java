package io.nexomatic.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * README's demo in a short run: real Hub over TCP, mock API server, the real operator scaling a
 * Backlog fleet, real sink processes running real Python modules, one sink killed mid-task.
 */
class DemoIT {

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aShortDemoEndsWithEveryTaskInItsExpectedStateAndExitCodeZero() throws Exception {
    // On the real kube-apiserver when the Kubernetes test binaries are built (as in CI).
    assertThat(DemoMain.run(new String[] {"--tasks", "30"})).isZero();
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void theDemoAlsoRunsOnTheMockApiServer() throws Exception {
    assertThat(DemoMain.run(new String[] {"--tasks", "10", "--api", "mock", "--no-chaos"}))
        .isZero();
  }

  @Test
  void badOptionsAreListedTogetherWithExitCodeTwo() throws Exception {
    assertThat(DemoMain.run(new String[] {"--tasks", "many", "--colour"})).isEqualTo(2);
  }
}
