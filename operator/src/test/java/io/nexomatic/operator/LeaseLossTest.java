package io.nexomatic.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeaseLossTest {

  private final AtomicInteger exits = new AtomicInteger();
  private final LeaseLoss leaseLoss = new LeaseLoss(exits::incrementAndGet);

  @Test
  void losingTheLeaseWhileRunningEndsTheProcess() {
    leaseLoss.stoppedLeading();
    assertThat(exits).hasValue(1);
  }

  @Test
  void givingTheLeaseUpWhileStoppingDoesNot() {
    leaseLoss.stopping();
    leaseLoss.stoppedLeading();
    assertThat(exits).hasValue(0);
  }
}
