package io.nexomatic.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.hub.HubQueueView;
import io.nexomatic.operator.hub.HubReadException;
import io.nexomatic.operator.hub.HubTarget;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.FallbackPolicy;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetStatus;
import io.nexomatic.operator.testing.TestFleets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The backlog autoscaler acts on the poller's latest observation of the Hub, never on the Hub
 * itself: a current reading is decided on, a failed one falls back, one older than two poll
 * intervals plus the read deadline counts as unreachable (saying how old it is), and a fleet whose
 * first poll has not answered keeps its count.
 */
class BacklogAutoscalerObservationTest {

  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final Duration POLL = Duration.ofSeconds(10);

  private final BacklogAutoscaler autoscaler =
      new BacklogAutoscaler(Clock.fixed(NOW, ZoneOffset.UTC));

  private static SinkFleet fleet(int current) {
    var fleet = TestFleets.pythonFleet("observations");
    var autoscaling = new AutoscalingSpec();
    autoscaling.setMode(AutoscalingMode.BACKLOG);
    autoscaling.setMinReplicas(1);
    autoscaling.setMaxReplicas(20);
    autoscaling.setTasksPerSink(10);
    autoscaling.setPollIntervalSeconds((int) POLL.toSeconds());
    fleet.getSpec().setAutoscaling(autoscaling);
    var status = new SinkFleetStatus();
    status.setDesiredReplicas(current);
    fleet.setStatus(status);
    return fleet;
  }

  private static HubTarget target(SinkFleet fleet) {
    return HubTarget.of(fleet, TestFleets.inputs(fleet, OptionalInt.empty(), "s").credentials());
  }

  private static HubQueueView queued(long tasks) {
    return new HubQueueView(tasks, 0, 1, 0, Map.of());
  }

  private BacklogAutoscaler.Outcome evaluate(SinkFleet fleet, HubObservation observation) {
    return autoscaler.evaluate(fleet, TestFleets.effective(fleet), observation, Optional.empty());
  }

  @Test
  void aCurrentReadingIsDecidedOn() {
    var fleet = fleet(2);
    var outcome =
        evaluate(fleet, HubObservation.reading(target(fleet), queued(50), NOW.minusSeconds(3)));

    assertThat(outcome.replicas()).isEqualTo(5);
    assertThat(outcome.scalingActive()).isTrue();
    assertThat(outcome.reason()).isEqualTo(BacklogAutoscaler.READING_BACKLOG);
    assertThat(outcome.view()).contains(queued(50));
  }

  @Test
  void aReadingJustWithinTwoPollsPlusTheDeadlineIsStillCurrent() {
    var fleet = fleet(2);
    var edge = NOW.minus(HubObservation.currentFor(POLL));
    assertThat(HubObservation.currentFor(POLL)).isEqualTo(Duration.ofSeconds(25));

    var outcome = evaluate(fleet, HubObservation.reading(target(fleet), queued(50), edge));

    assertThat(outcome.scalingActive()).isTrue();
    assertThat(outcome.replicas()).isEqualTo(5);
  }

  @Test
  void aStaleReadingCountsAsHubUnreachableWithItsAgeAndKeepsTheCount() {
    var fleet = fleet(2);
    var old = NOW.minusSeconds(26);

    var outcome = evaluate(fleet, HubObservation.reading(target(fleet), queued(50), old));

    assertThat(outcome.replicas()).as("the stale backlog of 50 is not acted on").isEqualTo(2);
    assertThat(outcome.scalingActive()).isFalse();
    assertThat(outcome.reason()).isEqualTo(BacklogAutoscaler.HUB_UNREACHABLE);
    assertThat(outcome.view()).isEmpty();
    assertThat(outcome.message())
        .startsWith("no reading of the Hub at http://hub.nexomatic.svc:50051 for 26 s")
        .contains("the last one, at 2026-12-02T11:59:34Z")
        .contains("a reading is current for 25 s")
        .endsWith("; keeping 2 sinks");
  }

  @Test
  void aStaleReadingRunsTheFixedFallback() {
    var fleet = fleet(2);
    fleet.getSpec().getAutoscaling().getFallback().setPolicy(FallbackPolicy.FIXED);
    fleet.getSpec().getAutoscaling().getFallback().setReplicas(6);

    var outcome =
        evaluate(fleet, HubObservation.reading(target(fleet), queued(0), NOW.minusSeconds(60)));

    assertThat(outcome.replicas()).isEqualTo(6);
    assertThat(outcome.scaledMessage()).startsWith("scaled from 2 to 6: no reading of the Hub");
  }

  @Test
  void aFailedPollFallsBackWithTheHubsOwnWords() {
    var fleet = fleet(3);
    var refused = new HubReadException("the Hub refused the fleet's credentials", true, null);

    var outcome =
        evaluate(fleet, HubObservation.failure(target(fleet), refused, NOW.minusSeconds(1)));

    assertThat(outcome.replicas()).isEqualTo(3);
    assertThat(outcome.scalingActive()).isFalse();
    assertThat(outcome.reason()).isEqualTo(BacklogAutoscaler.AUTH_REJECTED);
    assertThat(outcome.message())
        .isEqualTo("the Hub refused the fleet's credentials; keeping 3 sinks");
  }

  @Test
  void aFailureThatIsItselfStaleSaysWhenTheLastPollFailedAndWhy() {
    var fleet = fleet(3);
    var dead = new HubReadException("cannot read the Hub (UNAVAILABLE)", false, null);

    var outcome =
        evaluate(fleet, HubObservation.failure(target(fleet), dead, NOW.minusSeconds(40)));

    assertThat(outcome.reason()).isEqualTo(BacklogAutoscaler.HUB_UNREACHABLE);
    assertThat(outcome.message())
        .contains("for 40 s: the last poll, at 2026-12-02T11:59:20Z, failed: cannot read the Hub");
  }

  @Test
  void aFleetWhoseFirstPollHasNotAnsweredKeepsItsCountWithoutFallingBack() {
    var fleet = fleet(4);
    fleet.getSpec().getAutoscaling().getFallback().setPolicy(FallbackPolicy.FIXED);
    fleet.getSpec().getAutoscaling().getFallback().setReplicas(9);

    var outcome = evaluate(fleet, HubObservation.awaiting(target(fleet), NOW.minusSeconds(2)));

    assertThat(outcome.replicas()).as("neither the fallback nor a guess").isEqualTo(4);
    assertThat(outcome.scalingActive()).isFalse();
    assertThat(outcome.reason()).isEqualTo(BacklogAutoscaler.AWAITING_READING);
    assertThat(outcome.scaledMessage()).isNull();
  }

  @Test
  void aFirstPollThatNeverAnswersTurnsIntoHubUnreachable() {
    var fleet = fleet(4);

    var outcome = evaluate(fleet, HubObservation.awaiting(target(fleet), NOW.minusSeconds(30)));

    assertThat(outcome.reason()).isEqualTo(BacklogAutoscaler.HUB_UNREACHABLE);
    assertThat(outcome.message())
        .startsWith("no reading of the Hub at http://hub.nexomatic.svc:50051 in the 30 s")
        .endsWith("; keeping 4 sinks");
  }

  @Test
  void aTargetNamesTheEndpointOnlyNeverTheCredentials() {
    var fleet = fleet(1);
    var target = target(fleet);

    assertThat(target.toString()).isEqualTo("http://hub.nexomatic.svc:50051");
    assertThat(target)
        .isNotEqualTo(
            HubTarget.of(
                fleet, TestFleets.inputs(fleet, OptionalInt.empty(), "rotated").credentials()));
  }
}
