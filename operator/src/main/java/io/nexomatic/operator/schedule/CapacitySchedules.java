package io.nexomatic.operator.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which capacity schedule is active at an instant from the clock and the spec alone, so an
 * operator that restarts mid-window decides exactly as the one before it did.
 *
 * <p>A window starts at each local date and time its cron expression matches in its own time zone
 * and stays active for its duration in real elapsed time. Daylight-saving transitions follow {@link
 * ZonedDateTime#ofLocal} with no preferred offset:
 *
 * <ul>
 *   <li>A start that falls in a spring-forward gap is moved forward by the gap's length: with
 *       clocks jumping from 02:00 to 03:00, a 02:30 start begins at 03:30 that day.
 *   <li>A start that occurs twice in a fall-back overlap begins once, at the earlier offset (the
 *       first time the wall clock shows it); the repeated local time does not start it again.
 *   <li>The end is the start plus the duration as elapsed time, so a window spanning a transition
 *       ends an hour earlier or later on the wall clock than its length alone suggests.
 * </ul>
 *
 * <p>The search visits only the days the cron matches and the times it fires on them, over the days
 * one duration can reach back (plus a day's margin either side), so its cost stays small for the
 * durations (at most 7 days) and horizons (at most 1 day) the caller allows.
 */
public final class CapacitySchedules {

  private static final long SECONDS_PER_DAY = 86_400;

  /**
   * One capacity schedule from the spec.
   *
   * @param name how Events and status refer to it, or null when the spec left it unnamed
   * @param cron the local times at which the window starts
   * @param zone the time zone in which {@code cron} is read
   * @param duration how long each start keeps the window active, in elapsed time
   * @param minReplicas the fewest replicas the fleet runs while the window is active
   */
  public record Window(
      String name, CronExpression cron, ZoneId zone, Duration duration, int minReplicas) {

    /** Rejects what would make the search meaningless rather than silently never matching. */
    public Window {
      Objects.requireNonNull(cron, "cron");
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(duration, "duration");
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException(
            "capacity schedule "
                + (name == null ? "\"" + cron + "\"" : name)
                + ": duration "
                + duration
                + " must be positive");
      }
    }
  }

  /**
   * The window in force and the occurrence of it that is running.
   *
   * @param window the schedule that won
   * @param start when its most recent start happened
   * @param end when that occurrence stops, {@code start} plus the duration
   */
  public record Active(Window window, Instant start, Instant end) {}

  private CapacitySchedules() {}

  /**
   * The window active at {@code now}: among windows whose most recent start S satisfies {@code S <=
   * now < S + duration}, the one with the highest {@code minReplicas}, the first listed on a tie.
   * Empty when none is active.
   */
  public static Optional<Active> activeAt(List<Window> windows, Instant now) {
    Objects.requireNonNull(now, "now");
    Active best = null;
    for (Window w : windows) {
      Instant start = latestStartAtOrBefore(w, now);
      if (start == null) {
        continue;
      }
      Instant end = start.plus(w.duration());
      // Strictly greater so that the first listed keeps a tie.
      if (now.isBefore(end) && (best == null || w.minReplicas() > best.window().minReplicas())) {
        best = new Active(w, start, end);
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The earliest instant after {@code now}, and no later than {@code now + horizon}, at which
   * {@link #activeAt} could give a different answer: some window's next start, or the end of a
   * window running at {@code now}. The reconciler schedules its next pass there so the fleet moves
   * at the boundary rather than at the next poll. Empty when nothing changes within the horizon.
   */
  public static Optional<Instant> nextChange(List<Window> windows, Instant now, Duration horizon) {
    Objects.requireNonNull(now, "now");
    if (horizon.isNegative()) {
      throw new IllegalArgumentException("horizon " + horizon + " must not be negative");
    }
    Instant limit = now.plus(horizon);
    Instant next = null;
    for (Window w : windows) {
      next = earlier(next, earliestStartAfter(w, now, limit));
      Instant start = latestStartAtOrBefore(w, now);
      if (start != null) {
        Instant end = start.plus(w.duration());
        // Ends of windows running now; an end of a later start always follows that start.
        if (end.isAfter(now) && !end.isAfter(limit)) {
          next = earlier(next, end);
        }
      }
    }
    return Optional.ofNullable(next);
  }

  /** The latest start at or before {@code now}, or null when none lies within one duration. */
  private static Instant latestStartAtOrBefore(Window w, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, w.zone());
    long ceilDays = (w.duration().getSeconds() + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY;
    int[] times = w.cron().minutesOfDay();
    Instant best = null;
    // Tomorrow too: in a fall-back overlap a later local time can map before now. Every candidate
    // is compared because a start moved out of a spring-forward gap can land after later ones.
    for (LocalDate d = today.minusDays(ceilDays + 1);
        !d.isAfter(today.plusDays(1));
        d = d.plusDays(1)) {
      if (!w.cron().matchesDate(d)) {
        continue;
      }
      for (int minute : times) {
        Instant s = startOf(d, minute, w.zone());
        if (!s.isAfter(now) && (best == null || s.isAfter(best))) {
          best = s;
        }
      }
    }
    return best;
  }

  /** The earliest start after {@code now} and at or before {@code limit}, or null. */
  private static Instant earliestStartAfter(Window w, Instant now, Instant limit) {
    LocalDate first = LocalDate.ofInstant(now, w.zone()).minusDays(1);
    LocalDate last = LocalDate.ofInstant(limit, w.zone()).plusDays(1);
    int[] times = w.cron().minutesOfDay();
    Instant best = null;
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      if (!w.cron().matchesDate(d)) {
        continue;
      }
      for (int minute : times) {
        Instant s = startOf(d, minute, w.zone());
        if (s.isAfter(now) && !s.isAfter(limit)) {
          best = earlier(best, s);
        }
      }
    }
    return best;
  }

  private static Instant startOf(LocalDate date, int minuteOfDay, ZoneId zone) {
    return ZonedDateTime.ofLocal(date.atTime(minuteOfDay / 60, minuteOfDay % 60), zone, null)
        .toInstant();
  }

  private static Instant earlier(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || !b.isBefore(a) ? a : b;
  }
}
