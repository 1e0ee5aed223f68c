package io.nexomatic.operator.scaling;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.hub.HubQueueView;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.CapacityScheduleSpec;
import io.nexomatic.operator.model.FallbackPolicy;
import io.nexomatic.operator.model.ScaleDownPending;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetStatus;
import io.nexomatic.operator.schedule.CapacitySchedules;
import io.nexomatic.operator.schedule.CronExpression;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a Backlog fleet's replica count from the latest observation of the Hub's queue (taken off
 * the reconcile thread by the poller) on every reconcile. It keeps no state of its own: the
 * previous decision and any pending scale-down come from the fleet's status, so a restarted or
 * newly elected operator decides exactly as the old one would have.
 */
public final class BacklogAutoscaler {

  /** ScalingActive reasons. */
  public static final String READING_BACKLOG = "ReadingBacklog";

  public static final String HUB_UNREACHABLE = "HubUnreachable";
  public static final String AUTH_REJECTED = "AuthRejected";

  /**
   * The first poll of the fleet's Hub has not answered yet: the count is kept and no Event is
   * emitted (a status that already says something else keeps saying it).
   */
  public static final String AWAITING_READING = "AwaitingHubReading";

  private final Clock clock;
  private final ScaleTracing tracing;

  public BacklogAutoscaler(Clock clock) {
    this(clock, new ScaleTracing(OpenTelemetry.noop()));
  }

  /** As above, with a span for each decision that changes a fleet's count. */
  public BacklogAutoscaler(Clock clock, ScaleTracing tracing) {
    this.clock = clock;
    this.tracing = tracing;
  }

  /**
   * What a Backlog fleet should run now.
   *
   * @param replicas the count for the Deployment
   * @param view the Hub's view, empty when it could not be read
   * @param pending the scale-down still waiting, or null
   * @param lastScaleTime when the count last changed (RFC 3339), or null
   * @param scalingActive whether the Hub could be read (the ScalingActive condition)
   * @param reason the ScalingActive reason
   * @param message the ScalingActive message
   * @param scaledMessage an Event's message when this decision changes the count, else null
   * @param pollInterval when to look at the Hub again (sooner when a capacity schedule starts or
   *     ends before the next poll)
   * @param activeSchedule the capacity schedule raising the floor now, or null
   */
  public record Outcome(
      int replicas,
      Optional<HubQueueView> view,
      ScaleDownPending pending,
      String lastScaleTime,
      boolean scalingActive,
      String reason,
      String message,
      String scaledMessage,
      Duration pollInterval,
      String activeSchedule) {}

  /** Whether the autoscaler decides {@code fleet}'s count: Backlog mode and not suspended. */
  public static boolean applies(SinkFleet fleet) {
    return AutoscalingMode.BACKLOG.activeFor(fleet);
  }

  /** The spec's capacity schedules; the validator has already refused any that do not parse. */
  static List<CapacitySchedules.Window> windows(AutoscalingSpec autoscaling) {
    if (autoscaling == null || autoscaling.getSchedules() == null) {
      return List.of();
    }
    var windows = new ArrayList<CapacitySchedules.Window>();
    for (CapacityScheduleSpec s : autoscaling.getSchedules()) {
      windows.add(
          new CapacitySchedules.Window(
              s.getName(),
              CronExpression.parse(s.getCron()),
              ZoneId.of(Objects.requireNonNullElse(s.getTimeZone(), "UTC")),
              Duration.ofMinutes(s.getDurationMinutes()),
              s.getMinReplicas()));
    }
    return windows;
  }

  private static String scheduleName(CapacitySchedules.Window window) {
    return window.name() != null ? window.name() : window.cron().toString();
  }

  /**
   * Decides from {@code observation}; never throws for a Hub problem (the fallback applies instead,
   * also when the observation is too old to act on).
   */
  public Outcome evaluate(
      SinkFleet fleet,
      EffectiveFleet effective,
      HubObservation observation,
      Optional<Deployment> deployment) {
    var now = clock.instant();
    int max = effective.maxReplicas();
    var windows = windows(fleet.getSpec().getAutoscaling());
    var active = CapacitySchedules.activeAt(windows, now);
    int min =
        Math.min(
            max,
            Math.max(effective.minReplicas(), active.map(a -> a.window().minReplicas()).orElse(0)));
    String activeSchedule = active.map(a -> scheduleName(a.window())).orElse(null);
    String floorNote =
        active
            .map(
                a ->
                    "; schedule "
                        + activeSchedule
                        + " holds at least "
                        + min
                        + " until "
                        + a.end().truncatedTo(ChronoUnit.SECONDS))
            .orElse("");
    var bounds =
        new BacklogPolicy.Bounds(
            effective.tasksPerSink(),
            min,
            max,
            Duration.ofSeconds(effective.scaleDownStabilizationSeconds()));
    var pollEvery = effective.pollInterval();
    // A schedule's edge is computed from the clock, so the decision lands on it, not a poll later.
    var poll =
        CapacitySchedules.nextChange(windows, now, pollEvery)
            .map(edge -> Duration.between(now, edge).plusMillis(1))
            .filter(untilEdge -> untilEdge.compareTo(pollEvery) < 0)
            .orElse(pollEvery);
    var status = Optional.ofNullable(fleet.getStatus());
    int current =
        status
            .map(SinkFleetStatus::getDesiredReplicas)
            .or(() -> deployment.map(d -> d.getSpec().getReplicas()))
            .orElse(bounds.min());
    ScaleDownPending pending = status.map(SinkFleetStatus::getScaleDownPending).orElse(null);
    String lastScaleTime = status.map(SinkFleetStatus::getLastScaleTime).orElse(null);
    String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();

    var reading = HubReading.of(observation, now, pollEvery);
    if (reading.kind() != HubReading.Kind.CURRENT) {
      int replicas;
      String message;
      if (reading.kind() == HubReading.Kind.AWAITING) {
        // Not read yet: neither the fallback (the Hub has not failed) nor a guess.
        replicas = bounds.clamp(current);
        message = reading.message() + "; keeping " + replicas + " sinks" + floorNote;
      } else {
        // Fixed has no default count; the validator refuses Fixed without one.
        Integer fixedReplicas =
            effective.fallbackPolicy() == FallbackPolicy.FIXED
                ? fleet.getSpec().getAutoscaling().getFallback().getReplicas()
                : null;
        boolean fixed = fixedReplicas != null;
        replicas = fixed ? fixedReplicas : current;
        message =
            reading.message()
                + (fixed
                    ? "; running the fallback of " + replicas + " sinks"
                    : "; keeping " + replicas + " sinks");
        if (!fixed && replicas < min) {
          // A schedule's floor is known without the Hub.
          replicas = min;
          message = message + ", raised to " + min + floorNote;
        }
      }
      return traced(
          fleet,
          current,
          new Outcome(
              replicas,
              Optional.empty(),
              pending,
              replicas != current ? stamp : lastScaleTime,
              false,
              reading.reason(),
              message,
              replicas != current
                  ? "scaled from " + current + " to " + replicas + ": " + message
                  : null,
              poll,
              activeSchedule));
    }
    HubQueueView view = reading.view().orElseThrow();
    var decision = BacklogPolicy.decide(view.demand(), bounds, current, pending, now);
    return traced(
        fleet,
        current,
        new Outcome(
            decision.replicas(),
            Optional.of(view),
            decision.pending(),
            decision.scaled() ? stamp : lastScaleTime,
            true,
            READING_BACKLOG,
            decision.explanation() + floorNote,
            decision.scaled() ? decision.explanation() + floorNote : null,
            poll,
            activeSchedule));
  }

  /** Records a decision that changes the count (one that keeps it is not a scale event). */
  private Outcome traced(SinkFleet fleet, int current, Outcome outcome) {
    if (outcome.replicas() != current) {
      tracing.scaled(fleet, current, outcome.replicas(), outcome.reason(), outcome.message());
    }
    return outcome;
  }
}
