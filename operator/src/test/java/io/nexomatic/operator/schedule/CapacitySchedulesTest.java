package io.nexomatic.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nexomatic.operator.schedule.CapacitySchedules.Active;
import io.nexomatic.operator.schedule.CapacitySchedules.Window;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CapacitySchedulesTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final Duration ONE_DAY = Duration.ofDays(1);

  // 2026-01-05 is a Monday; Berlin is on CET (UTC+1) then.
  private static final Window OFFICE_HOURS = window("office", "0 8 * * MON-FRI", BERLIN, 600, 4);

  @Test
  void aScheduleIsActiveFromItsStartForItsDuration() {
    List<Window> windows = List.of(OFFICE_HOURS);
    assertThat(CapacitySchedules.activeAt(windows, berlin("2026-01-05T07:59"))).isEmpty();
    assertThat(CapacitySchedules.activeAt(windows, berlin("2026-01-05T08:00")))
        .contains(new Active(OFFICE_HOURS, berlin("2026-01-05T08:00"), berlin("2026-01-05T18:00")));
    assertThat(CapacitySchedules.activeAt(windows, berlin("2026-01-05T17:59"))).isPresent();
    assertThat(CapacitySchedules.activeAt(windows, berlin("2026-01-05T18:00"))).isEmpty();
  }

  @Test
  void aScheduleIsInactiveOnDaysItsCronDoesNotMatch() {
    assertThat(CapacitySchedules.activeAt(List.of(OFFICE_HOURS), berlin("2026-01-10T10:00")))
        .isEmpty();
  }

  @Test
  void aWindowStartedLateInTheEveningStaysActivePastMidnight() {
    Window night = window("night", "0 22 * * *", BERLIN, 240, 2);
    Optional<Active> active =
        CapacitySchedules.activeAt(List.of(night), berlin("2026-01-06T01:00"));
    assertThat(active.map(Active::start)).contains(berlin("2026-01-05T22:00"));
    assertThat(active.map(Active::end)).contains(berlin("2026-01-06T02:00"));
  }

  @Test
  void aWindowAsLongAsAWeekIsFoundFromItsStartSevenDaysBack() {
    Window week = window("week", "0 0 * * MON", BERLIN, 7 * 24 * 60, 1);
    assertThat(CapacitySchedules.activeAt(List.of(week), berlin("2026-01-11T23:59")))
        .map(Active::start)
        .contains(berlin("2026-01-05T00:00"));
  }

  @Test
  void aWindowThatStartsAgainWhileActiveRunsFromItsMostRecentStart() {
    Window overlapping = window("hourly", "0 * * * *", BERLIN, 90, 1);
    assertThat(CapacitySchedules.activeAt(List.of(overlapping), berlin("2026-01-05T10:15")))
        .contains(new Active(overlapping, berlin("2026-01-05T10:00"), berlin("2026-01-05T11:30")));
  }

  @Test
  void overlappingSchedulesPickTheHigherMinReplicasThenFallBackToTheOneStillActive() {
    Window day = window("day", "0 8 * * *", BERLIN, 600, 2);
    Window lunch = window("lunch", "0 12 * * *", BERLIN, 120, 5);
    List<Window> windows = List.of(day, lunch);

    assertThat(winner(windows, berlin("2026-01-05T11:00"))).contains(day);
    assertThat(winner(windows, berlin("2026-01-05T13:00"))).contains(lunch);
    assertThat(CapacitySchedules.activeAt(windows, berlin("2026-01-05T14:00")))
        .contains(new Active(day, berlin("2026-01-05T08:00"), berlin("2026-01-05T18:00")));
  }

  @Test
  void tiesGoToTheScheduleListedFirst() {
    Window a = window("a", "0 8 * * *", BERLIN, 600, 3);
    Window b = window("b", "0 9 * * *", BERLIN, 600, 3);
    assertThat(winner(List.of(a, b), berlin("2026-01-05T10:00"))).contains(a);
    assertThat(winner(List.of(b, a), berlin("2026-01-05T10:00"))).contains(b);
  }

  @Test
  void noSchedulesMeansNothingIsActiveAndNothingChanges() {
    Instant now = berlin("2026-01-05T10:00");
    assertThat(CapacitySchedules.activeAt(List.of(), now)).isEmpty();
    assertThat(CapacitySchedules.nextChange(List.of(), now, ONE_DAY)).isEmpty();
  }

  @Test
  void aStartInTheSpringForwardGapIsMovedForwardByTheGap() {
    // 2026-03-08 in New York: clocks jump from 02:00 EST to 03:00 EDT, so 02:30 never happens.
    Window w = window("gap", "30 2 * * *", NEW_YORK, 120, 3);
    Instant start = Instant.parse("2026-03-08T07:30:00Z");
    assertThat(start.atZone(NEW_YORK).toLocalDateTime())
        .isEqualTo(LocalDateTime.parse("2026-03-08T03:30"));

    assertThat(CapacitySchedules.activeAt(List.of(w), start.minusSeconds(1))).isEmpty();
    assertThat(CapacitySchedules.activeAt(List.of(w), start))
        .contains(new Active(w, start, start.plus(Duration.ofMinutes(120))));
    assertThat(
            CapacitySchedules.nextChange(
                List.of(w), Instant.parse("2026-03-08T06:00:00Z"), ONE_DAY))
        .contains(start);
  }

  @Test
  void aStartRepeatedByTheFallBackOverlapHappensOnceAtTheEarlierOffset() {
    // 2026-11-01 in New York: clocks fall back from 02:00 EDT to 01:00 EST, so 01:30 happens twice.
    Window w = window("overlap", "30 1 * * *", NEW_YORK, 60, 3);
    Instant firstPass = Instant.parse("2026-11-01T05:30:00Z");
    Instant secondPass = Instant.parse("2026-11-01T06:30:00Z");
    assertThat(firstPass.atZone(NEW_YORK).getOffset()).isEqualTo(ZoneOffset.ofHours(-4));
    assertThat(secondPass.atZone(NEW_YORK).toLocalDateTime())
        .isEqualTo(firstPass.atZone(NEW_YORK).toLocalDateTime());

    assertThat(CapacitySchedules.activeAt(List.of(w), firstPass))
        .contains(new Active(w, firstPass, secondPass));
    assertThat(CapacitySchedules.activeAt(List.of(w), secondPass.minusSeconds(1))).isPresent();
    assertThat(CapacitySchedules.activeAt(List.of(w), secondPass)).isEmpty();
    assertThat(CapacitySchedules.activeAt(List.of(w), secondPass.plusSeconds(15 * 60))).isEmpty();
    assertThat(CapacitySchedules.nextChange(List.of(w), secondPass, ONE_DAY))
        .as("the next start is the next day's 01:30 EST, not the repeated 01:30")
        .contains(Instant.parse("2026-11-02T06:30:00Z"));
  }

  @Test
  void aWindowAcrossTheSpringForwardNightLastsItsDurationInElapsedTime() {
    Window w = window("night", "0 0 * * *", NEW_YORK, 480, 3);
    Instant midnight = Instant.parse("2026-03-08T05:00:00Z");
    Instant end = Instant.parse("2026-03-08T13:00:00Z");
    assertThat(end.atZone(NEW_YORK).toLocalDateTime())
        .as("eight real hours after midnight reads 09:00 EDT")
        .isEqualTo(LocalDateTime.parse("2026-03-08T09:00"));

    assertThat(CapacitySchedules.activeAt(List.of(w), end.minusSeconds(1)))
        .contains(new Active(w, midnight, end));
    assertThat(CapacitySchedules.activeAt(List.of(w), end)).isEmpty();
  }

  @Test
  void theNextChangeIsTheNextStartWhenNothingIsActive() {
    assertThat(
            CapacitySchedules.nextChange(
                List.of(OFFICE_HOURS), berlin("2026-01-05T06:00"), ONE_DAY))
        .contains(berlin("2026-01-05T08:00"));
  }

  @Test
  void theNextChangeIsTheEndWhenAScheduleIsActive() {
    assertThat(
            CapacitySchedules.nextChange(
                List.of(OFFICE_HOURS), berlin("2026-01-05T08:00"), ONE_DAY))
        .contains(berlin("2026-01-05T18:00"));
  }

  @Test
  void theNextChangeIsWhicheverBoundaryComesFirstAcrossSchedules() {
    Window day = window("day", "0 8 * * *", BERLIN, 600, 2);
    Window lunch = window("lunch", "0 12 * * *", BERLIN, 120, 5);
    List<Window> windows = List.of(day, lunch);
    assertThat(CapacitySchedules.nextChange(windows, berlin("2026-01-05T09:00"), ONE_DAY))
        .contains(berlin("2026-01-05T12:00"));
    assertThat(CapacitySchedules.nextChange(windows, berlin("2026-01-05T12:00"), ONE_DAY))
        .contains(berlin("2026-01-05T14:00"));
    assertThat(CapacitySchedules.nextChange(windows, berlin("2026-01-05T14:00"), ONE_DAY))
        .contains(berlin("2026-01-05T18:00"));
  }

  @Test
  void thereIsNoNextChangeWhenNothingHappensWithinTheHorizon() {
    // Saturday morning: the next weekday start is Monday, beyond a one-day horizon.
    assertThat(
            CapacitySchedules.nextChange(
                List.of(OFFICE_HOURS), berlin("2026-01-10T09:00"), ONE_DAY))
        .isEmpty();
    assertThat(
            CapacitySchedules.nextChange(
                List.of(OFFICE_HOURS), berlin("2026-01-05T06:00"), Duration.ofHours(1)))
        .isEmpty();
  }

  @Test
  void aBoundaryExactlyAtTheHorizonStillCounts() {
    assertThat(
            CapacitySchedules.nextChange(
                List.of(OFFICE_HOURS), berlin("2026-01-05T06:00"), Duration.ofHours(2)))
        .contains(berlin("2026-01-05T08:00"));
  }

  @Test
  void aRestartedOperatorDecidesTheSame() {
    Instant now = berlin("2026-01-05T13:00");
    List<Window> before = List.of(OFFICE_HOURS);
    // What a restarted operator builds afresh from the same spec.
    List<Window> after = List.of(window("office", "0 8 * * MON-FRI", BERLIN, 600, 4));

    assertThat(CapacitySchedules.activeAt(after, now))
        .isPresent()
        .isEqualTo(CapacitySchedules.activeAt(before, now));
    assertThat(CapacitySchedules.nextChange(after, now, ONE_DAY))
        .isEqualTo(CapacitySchedules.nextChange(before, now, ONE_DAY));
  }

  @Test
  void aWindowNeedsAPositiveDuration() {
    CronExpression cron = CronExpression.parse("0 8 * * *");
    assertThatThrownBy(() -> new Window("zero", cron, BERLIN, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity schedule zero: duration PT0S must be positive");
    assertThatThrownBy(() -> new Window(null, cron, BERLIN, Duration.ofMinutes(-5), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity schedule \"0 8 * * *\": duration PT-5M must be positive");
  }

  private static Window window(
      String name, String cron, ZoneId zone, long minutes, int minReplicas) {
    return new Window(
        name, CronExpression.parse(cron), zone, Duration.ofMinutes(minutes), minReplicas);
  }

  private static Instant berlin(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
  }

  private static Optional<Window> winner(List<Window> windows, Instant now) {
    return CapacitySchedules.activeAt(windows, now).map(Active::window);
  }
}
