package io.nexomatic.operator.scaling;

import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.hub.HubQueueView;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What a scaler may do with the cached observation of a fleet's Hub: act on a current view, fall
 * back when the Hub could not be read (or its last reading is too old to trust), or wait for the
 * first reading of a fleet the poller has only just been told about.
 *
 * @param kind which of the three
 * @param view the Hub's view when {@code kind} is {@link Kind#CURRENT}
 * @param reason the ScalingActive reason when the Hub cannot be used
 * @param message why, for the ScalingActive condition and Events
 */
public record HubReading(Kind kind, Optional<HubQueueView> view, String reason, String message) {

  /** How the observation may be used. */
  public enum Kind {
    /** A reading within {@link HubObservation#currentFor} of now. */
    CURRENT,
    /** A failed poll, or an observation too old to act on. */
    UNREADABLE,
    /** The first poll has not answered yet, and is not late. */
    AWAITING
  }

  /** Classifies {@code observation} at {@code now} for a fleet polled every {@code poll}. */
  public static HubReading of(HubObservation observation, Instant now, Duration poll) {
    var target = observation.target();
    if (observation.staleAt(now, poll)) {
      long age = observation.age(now).toSeconds();
      String current =
          " (a reading is current for "
              + HubObservation.currentFor(poll).toSeconds()
              + " s: 2 poll intervals plus the "
              + HubObservation.READ_DEADLINE.toSeconds()
              + " s read deadline)";
      String taken = observation.at().truncatedTo(ChronoUnit.SECONDS).toString();
      String message;
      if (observation.awaiting()) {
        message =
            "no reading of the Hub at " + target + " in the " + age + " s since polling began";
      } else if (observation.failure().isPresent()) {
        message =
            "no reading of the Hub at "
                + target
                + " for "
                + age
                + " s: the last poll, at "
                + taken
                + ", failed: "
                + observation.failure().get().getMessage();
      } else {
        message =
            "no reading of the Hub at "
                + target
                + " for "
                + age
                + " s: the last one, at "
                + taken
                + ", is too old to act on";
      }
      return new HubReading(
          Kind.UNREADABLE, Optional.empty(), BacklogAutoscaler.HUB_UNREACHABLE, message + current);
    }
    if (observation.failure().isPresent()) {
      var failure = observation.failure().get();
      return new HubReading(
          Kind.UNREADABLE,
          Optional.empty(),
          failure.authRejected()
              ? BacklogAutoscaler.AUTH_REJECTED
              : BacklogAutoscaler.HUB_UNREACHABLE,
          failure.getMessage());
    }
    if (observation.awaiting()) {
      return new HubReading(
          Kind.AWAITING,
          Optional.empty(),
          BacklogAutoscaler.AWAITING_READING,
          "waiting for the first reading of the Hub at " + target);
    }
    return new HubReading(Kind.CURRENT, observation.view(), BacklogAutoscaler.READING_BACKLOG, "");
  }
}
