package io.nexomatic.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.hub.HubQueueSource;
import io.nexomatic.operator.hub.HubQueueView;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.testing.TestFleets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The poller keeps each fleet's latest observation of its Hub and wakes the fleet's reconcile only
 * when a poll says something new; a read that outlives its deadline is cut off and recorded as a
 * failure, whatever the Hub client does.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HubPollingEventSourceTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final DerivedCredentials CREDENTIALS =
      TestFleets.inputs(TestFleets.pythonFleet(), OptionalInt.empty(), "s").credentials();

  private final List<Event> reconciles = new CopyOnWriteArrayList<>();
  private HubPollingEventSource source;

  private void start(HubQueueSource hub) {
    source = new HubPollingEventSource(hub, Clock.systemUTC());
    source.setEventHandler(reconciles::add);
    source.start();
  }

  @AfterEach
  void stop() {
    source.stop();
  }

  private static SinkFleet fleet() {
    var fleet = TestFleets.pythonFleet();
    var autoscaling = new AutoscalingSpec();
    autoscaling.setMode(AutoscalingMode.BACKLOG);
    autoscaling.setPollIntervalSeconds(1);
    fleet.getSpec().setAutoscaling(autoscaling);
    return fleet;
  }

  private static HubQueueView queued(long tasks) {
    return new HubQueueView(tasks, 0, 1, 0, Map.of());
  }

  @Test
  void aReadingWakesTheReconcileOnlyWhenItSaysSomethingNew() throws Exception {
    var answers = new LinkedBlockingQueue<HubQueueView>();
    var reads = new AtomicInteger();
    start(
        (fleet, credentials) -> {
          try {
            var view = answers.take();
            reads.incrementAndGet();
            return view;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
    var fleet = fleet();
    assertThat(source.observe(fleet, CREDENTIALS).awaiting()).as("never waits").isTrue();

    answers.put(queued(1));
    answers.put(queued(1));
    for (int i = 0; i < 30; i++) {
      answers.put(queued(2)); // the same from then on, so no later poll waits out its deadline
    }
    await()
        .atMost(TIMEOUT)
        .until(() -> source.observe(fleet, CREDENTIALS).view().equals(Optional.of(queued(2))));
    await().atMost(TIMEOUT).until(() -> reconciles.size() >= 2);

    assertThat(reads).hasValueGreaterThanOrEqualTo(3);
    assertThat(reconciles)
        .as("the first reading and the changed third; the repeated ones woke nobody")
        .containsExactly(
            new Event(ResourceID.fromResource(fleet)), new Event(ResourceID.fromResource(fleet)));
  }

  @Test
  void aReadPastItsDeadlineIsInterruptedAndRecordedAsAFailure() {
    var interrupted = new AtomicBoolean();
    start(
        (fleet, credentials) -> {
          try {
            new CountDownLatch(1).await(); // a Hub that never answers
          } catch (InterruptedException e) {
            interrupted.set(true);
          }
          return queued(0);
        });
    var fleet = fleet();
    source.observe(fleet, CREDENTIALS);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(source.observe(fleet, CREDENTIALS).failure())
                    .hasValueSatisfying(
                        e ->
                            assertThat(e.getMessage())
                                .isEqualTo(
                                    "the Hub at http://hub.nexomatic.svc:50051 did not answer"
                                        + " within 5 s")));
    await().atMost(TIMEOUT).untilTrue(interrupted);
    assertThat(reconciles).isNotEmpty();
  }

  @Test
  void aChangedTargetIsPolledAfreshAndTheOldTargetsReadingsNoLongerCount() throws Exception {
    var answers = new LinkedBlockingQueue<HubQueueView>();
    start(
        (fleet, credentials) -> {
          try {
            return answers.take();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
    var fleet = fleet();
    source.observe(fleet, CREDENTIALS);
    answers.put(queued(7));
    await().atMost(TIMEOUT).until(() -> source.observe(fleet, CREDENTIALS).view().isPresent());

    fleet.getSpec().getHub().setHost("other-hub.nexomatic.svc");
    var moved = source.observe(fleet, CREDENTIALS);

    assertThat(moved.awaiting()).isTrue();
    assertThat(moved.target().toString()).isEqualTo("http://other-hub.nexomatic.svc:50051");
  }
}
