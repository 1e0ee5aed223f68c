package io.nexomatic.operator.hub;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The latest observation of a fleet's Hub, as the poller took it off the reconcile thread: a
 * reading (the Hub's view), a failure (why there is none), or nothing yet (the first poll has not
 * answered) — each with the instant it stands for. Reconciles act on it instead of calling the Hub.
 */
public final class HubObservation {

  /** How long one poll of a Hub may take before it counts as failed. */
  public static final Duration READ_DEADLINE = Duration.ofSeconds(5);

  private final HubTarget target;
  private final Optional<HubQueueView> view;
  private final Optional<HubReadException> failure;
  private final Instant at;
  private final AtomicBoolean claimed = new AtomicBoolean();

  private HubObservation(
      HubTarget target,
      Optional<HubQueueView> view,
      Optional<HubReadException> failure,
      Instant at) {
    this.target = Objects.requireNonNull(target);
    this.view = view;
    this.failure = failure;
    this.at = Objects.requireNonNull(at);
  }

  /** The Hub answered with {@code view} at {@code takenAt}. */
  public static HubObservation reading(HubTarget target, HubQueueView view, Instant takenAt) {
    return new HubObservation(target, Optional.of(view), Optional.empty(), takenAt);
  }

  /** The poll started at {@code triedAt} failed with {@code failure}. */
  public static HubObservation failure(
      HubTarget target, HubReadException failure, Instant triedAt) {
    return new HubObservation(target, Optional.empty(), Optional.of(failure), triedAt);
  }

  /** No poll of {@code target} has answered yet; the first was asked for at {@code since}. */
  public static HubObservation awaiting(HubTarget target, Instant since) {
    return new HubObservation(target, Optional.empty(), Optional.empty(), since);
  }

  /** The Hub this observation is of. */
  public HubTarget target() {
    return target;
  }

  /** The Hub's view, when the poll read one. */
  public Optional<HubQueueView> view() {
    return view;
  }

  /** Why the poll read nothing, when it failed. */
  public Optional<HubReadException> failure() {
    return failure;
  }

  /** Whether no poll has answered yet. */
  public boolean awaiting() {
    return view.isEmpty() && failure.isEmpty();
  }

  /**
   * When the reading was taken, the failed poll started, or (awaiting) the first poll was asked.
   */
  public Instant at() {
    return at;
  }

  /** How old the observation is at {@code now} (never negative). */
  public Duration age(Instant now) {
    var age = Duration.between(at, now);
    return age.isNegative() ? Duration.ZERO : age;
  }

  /**
   * How long an observation stays current for a fleet polled every {@code pollInterval}: two polls
   * plus one read deadline, so one slow or lost poll does not count, a stuck poller does.
   */
  public static Duration currentFor(Duration pollInterval) {
    return pollInterval.multipliedBy(2).plus(READ_DEADLINE);
  }

  /** Whether the observation is too old to act on at {@code now}; see {@link #currentFor}. */
  public boolean staleAt(Instant now, Duration pollInterval) {
    return age(now).compareTo(currentFor(pollInterval)) > 0;
  }

  /** Whether {@code other} says the same as this one (time aside): then no reconcile is needed. */
  public boolean sameAs(HubObservation other) {
    return other != null
        && target.equals(other.target)
        && view.equals(other.view)
        && failure.map(HubReadException::getMessage).equals(other.failure.map(e -> e.getMessage()))
        && failure
            .map(HubReadException::authRejected)
            .equals(other.failure.map(e -> e.authRejected()));
  }

  /**
   * True for the first caller only: a scaler that must act at most once per reading (the Ephemeral
   * one starts pods from it) claims it, and a later reconcile off the same reading only counts.
   */
  public boolean claim() {
    return !claimed.getAndSet(true);
  }

  @Override
  public String toString() {
    String what =
        view.map(v -> "reading " + v)
            .or(() -> failure.map(e -> "failure " + e.getMessage()))
            .orElse("awaiting the first reading");
    return "HubObservation{" + target + ", " + what + ", at " + at + "}";
  }
}
