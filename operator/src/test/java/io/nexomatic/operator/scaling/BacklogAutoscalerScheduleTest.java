package io.nexomatic.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.hub.HubQueueSource;
import io.nexomatic.operator.hub.HubQueueView;
import io.nexomatic.operator.hub.HubReadException;
import io.nexomatic.operator.hub.HubTarget;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.CapacityScheduleSpec;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetStatus;
import io.nexomatic.operator.testing.TestFleets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Capacity schedules composed with the backlog: the floor is the highest active schedule's
 * minReplicas, decided from the clock and the spec alone.
 */
class BacklogAutoscalerScheduleTest {

  // A Wednesday; Europe/Berlin is UTC+1 in December.
  private static final Instant MORNING = Instant.parse("2026-12-02T07:00:00Z"); // 08:00 Berlin

  private long queued;
  private boolean hubDown;

  private final HubQueueSource hub =
      (fleet, credentials) -> {
        if (hubDown) {
          throw new HubReadException("cannot read the Hub (UNAVAILABLE)", false, null);
        }
        return new HubQueueView(queued, 0, 1, 0, Map.of());
      };

  private static CapacityScheduleSpec schedule(String name, String cron, int minutes, int min) {
    var s = new CapacityScheduleSpec();
    s.setName(name);
    s.setCron(cron);
    s.setTimeZone("Europe/Berlin");
    s.setDurationMinutes(minutes);
    s.setMinReplicas(min);
    return s;
  }

  private static SinkFleet fleet(int current, CapacityScheduleSpec... schedules) {
    var fleet = TestFleets.pythonFleet("schedules");
    var autoscaling = new AutoscalingSpec();
    autoscaling.setMode(AutoscalingMode.BACKLOG);
    autoscaling.setMinReplicas(0);
    autoscaling.setMaxReplicas(8);
    autoscaling.setPollIntervalSeconds(30);
    autoscaling.setSchedules(List.of(schedules));
    fleet.getSpec().setAutoscaling(autoscaling);
    var status = new SinkFleetStatus();
    status.setDesiredReplicas(current);
    fleet.setStatus(status);
    return fleet;
  }

  /** The Hub read by the poller at {@code at}, then decided on at the same instant. */
  private BacklogAutoscaler.Outcome evaluate(SinkFleet fleet, Instant at) {
    var credentials = TestFleets.inputs(fleet, OptionalInt.empty(), "s").credentials();
    var target = HubTarget.of(fleet, credentials);
    HubObservation observation;
    try {
      observation = HubObservation.reading(target, hub.read(fleet, credentials), at);
    } catch (HubReadException e) {
      observation = HubObservation.failure(target, e, at);
    }
    return new BacklogAutoscaler(Clock.fixed(at, ZoneOffset.UTC))
        .evaluate(fleet, TestFleets.effective(fleet), observation, Optional.empty());
  }

  @Test
  void anActiveScheduleRaisesTheFloorAtItsStartAndSaysUntilWhen() {
    var fleet = fleet(0, schedule("office-hours", "0 8 * * MON-FRI", 600, 3));

    var before = evaluate(fleet, MORNING.minusSeconds(1));
    assertThat(before.replicas()).isZero();
    assertThat(before.activeSchedule()).isNull();

    var at = evaluate(fleet, MORNING);
    assertThat(at.replicas()).isEqualTo(3);
    assertThat(at.activeSchedule()).isEqualTo("office-hours");
    assertThat(at.message())
        .endsWith("; schedule office-hours holds at least 3 until 2026-12-02T17:00:00Z");
  }

  @Test
  void backlogAboveTheFloorStillScalesUp() {
    queued = 6;
    var outcome = evaluate(fleet(3, schedule("office-hours", "0 8 * * *", 600, 3)), MORNING);
    assertThat(outcome.replicas()).isEqualTo(6);
  }

  @Test
  void theFloorNeverExceedsMaxReplicas() {
    var outcome = evaluate(fleet(0, schedule("big", "0 8 * * *", 60, 50)), MORNING);
    assertThat(outcome.replicas()).isEqualTo(8);
  }

  @Test
  void overlappingSchedulesTakeTheHighestFloor() {
    var fleet =
        fleet(
            0,
            schedule("office-hours", "0 8 * * *", 600, 2),
            schedule("month-end", "0 7 * * *", 180, 5));
    var outcome = evaluate(fleet, MORNING.plusSeconds(60));
    assertThat(outcome.replicas()).isEqualTo(5);
    assertThat(outcome.activeSchedule()).isEqualTo("month-end");
  }

  @Test
  void whenAScheduleEndsTheFleetShrinksOnlyThroughTheStabilizationWindow() {
    var fleet = fleet(3, schedule("office-hours", "0 8 * * *", 60, 3));
    var after = evaluate(fleet, MORNING.plusSeconds(3600));
    assertThat(after.activeSchedule()).isNull();
    assertThat(after.replicas()).as("held through the window").isEqualTo(3);
    assertThat(after.pending()).isNotNull();
  }

  @Test
  void theNextPollLandsOnTheScheduleEdgeInsteadOfAPollLater() {
    var fleet = fleet(0, schedule("office-hours", "0 8 * * *", 600, 3));
    var outcome = evaluate(fleet, MORNING.minusSeconds(10));
    assertThat(outcome.pollInterval()).isEqualTo(Duration.ofSeconds(10).plusMillis(1));
    var far = evaluate(fleet, MORNING.minusSeconds(3600));
    assertThat(far.pollInterval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aScheduleFloorHoldsEvenWhileTheHubCannotBeRead() {
    hubDown = true;
    var outcome = evaluate(fleet(1, schedule("office-hours", "0 8 * * *", 600, 4)), MORNING);
    assertThat(outcome.scalingActive()).isFalse();
    assertThat(outcome.replicas()).isEqualTo(4);
    assertThat(outcome.message()).contains("raised to 4; schedule office-hours");
  }

  @Test
  void aRestartedOperatorDecidesTheSameFromTheSpecAndTheClock() {
    var fleet = fleet(0, schedule("office-hours", "0 8 * * MON-FRI", 600, 3));
    var at = MORNING.plusSeconds(4 * 3600);
    assertThat(evaluate(fleet, at)).isEqualTo(evaluate(fleet, at));
  }
}
