package io.nexomatic.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nexomatic.operator.hub.HubReadException;
import io.nexomatic.operator.scaling.ReplicaPlanner;
import io.nexomatic.operator.testing.OperatorHarness;
import io.nexomatic.operator.testing.TestFleets;
import java.time.Clock;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stopping the operator lets a reconciliation in flight finish before the caller closes the client:
 * the shutdown hook's "finishing in-flight reconciliations" is what happens, and no reconcile fails
 * half-way through its writes.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GracefulStopTest {

  @Test
  void stopWaitsForTheReconciliationInFlight() throws Exception {
    var entered = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    var interrupted = new AtomicBoolean();
    var finished = new AtomicBoolean();
    // A reconcile never waits on the Hub any more; a replica planner that waits holds one open.
    ReplicaPlanner slowPlanner =
        (fleet, effective) -> {
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            interrupted.set(true);
            Thread.currentThread().interrupt();
          }
          finished.set(true);
          return OptionalInt.of(1);
        };
    var harness =
        new OperatorHarness(
            (fleet, credentials) -> {
              throw new HubReadException("no Hub in this test", false, null);
            },
            Clock.systemUTC(),
            slowPlanner);
    var client = harness.client();
    var fleet = TestFleets.pythonFleet("graceful");
    client.resource(TestFleets.clientSecret("graceful", "secret")).create();
    client.resource(fleet).create();
    assertThat(entered.await(2, TimeUnit.MINUTES)).as("a reconcile is under way").isTrue();

    // The planner answers only once stop() is under way (waiting for the executor, or already
    // returned when it does not wait), so the reconcile is in flight throughout.
    var stopper = new Thread(harness::close);
    stopper.start();
    await()
        .atMost(java.time.Duration.ofMinutes(2))
        .until(
            () ->
                stopper.getState() == Thread.State.WAITING
                    || stopper.getState() == Thread.State.TIMED_WAITING
                    || interrupted.get());
    release.countDown();
    stopper.join(TimeUnit.MINUTES.toMillis(2));

    assertThat(stopper.isAlive()).as("stop() returned").isFalse();
    assertThat(interrupted).as("the reconcile was interrupted by stop()").isFalse();
    assertThat(finished).as("the reconcile's planning completed").isTrue();
  }
}
