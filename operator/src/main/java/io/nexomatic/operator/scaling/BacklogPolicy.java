package io.nexomatic.operator.scaling;

import io.nexomatic.operator.model.ScaleDownPending;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The backlog autoscaler's arithmetic, pure and fed only by observed state: the Hub's demand, the
 * count the fleet runs, and the pending scale-down kept in status. Scaling up is immediate; scaling
 * down waits until demand has stayed lower for the whole stabilization window, then goes to the
 * most sinks demand called for during that window, so a dip inside it never cuts capacity.
 */
public final class BacklogPolicy {

  /**
   * The autoscaling settings the arithmetic needs.
   *
   * @param tasksPerSink tasks (queued plus leased) one sink is expected to carry
   * @param min fewest replicas (0 allows scale-to-zero)
   * @param max most replicas
   * @param stabilization how long demand must stay lower before the fleet shrinks
   */
  public record Bounds(int tasksPerSink, int min, int max, Duration stabilization) {

    int clamp(long replicas) {
      return (int) Math.max(min, Math.min(max, replicas));
    }
  }

  /**
   * One decision.
   *
   * @param replicas the count the fleet should run
   * @param pending the scale-down still waiting, or null
   * @param scaled whether {@code replicas} differs from the count the fleet ran
   * @param explanation a sentence for Events and the ScalingActive condition
   */
  public record Decision(
      int replicas, ScaleDownPending pending, boolean scaled, String explanation) {}

  private BacklogPolicy() {}

  /** Sinks a demand calls for: ceil(demand / tasksPerSink), within min and max. */
  public static int recommend(long demand, Bounds bounds) {
    long perSink = Math.max(1, bounds.tasksPerSink());
    return bounds.clamp((Math.max(0, demand) + perSink - 1) / perSink);
  }

  /**
   * @param demand tasks queued plus leased at the Hub
   * @param current the count the fleet runs now (the previous decision)
   * @param pending the scale-down waiting from earlier polls, or null
   */
  public static Decision decide(
      long demand, Bounds bounds, int current, ScaleDownPending pending, Instant now) {
    int running = bounds.clamp(current);
    int wanted = recommend(demand, bounds);
    String load = demand + " tasks queued or leased at " + bounds.tasksPerSink() + " per sink";
    if (wanted > running) {
      return new Decision(
          wanted, null, true, "scaled up from " + running + " to " + wanted + ": " + load);
    }
    if (wanted == running) {
      boolean moved = running != current;
      return new Decision(
          running,
          null,
          moved,
          moved
              ? "moved from " + current + " to " + running + " to stay within min/max: " + load
              : "steady at " + running + ": " + load);
    }
    Instant since =
        pending == null
            ? now.truncatedTo(ChronoUnit.SECONDS)
            : parse(pending.getSince(), now.truncatedTo(ChronoUnit.SECONDS));
    int floor =
        pending == null || pending.getReplicas() == null
            ? wanted
            : Math.max(wanted, Math.min(running, pending.getReplicas()));
    Instant due = since.plus(bounds.stabilization());
    if (!now.isBefore(due)) {
      return new Decision(
          floor,
          null,
          true,
          "scaled down from "
              + running
              + " to "
              + floor
              + " after "
              + bounds.stabilization().toSeconds()
              + " s of lower demand: "
              + load);
    }
    return new Decision(
        running,
        new ScaleDownPending(since.toString(), floor),
        running != current,
        (running != current ? "moved from " + current + " into min/max; " : "")
            + "holding "
            + running
            + " until "
            + due
            + ", then "
            + floor
            + " unless demand rises: "
            + load);
  }

  private static Instant parse(String since, Instant fallback) {
    try {
      return since == null ? fallback : Instant.parse(since);
    } catch (RuntimeException e) {
      return fallback;
    }
  }
}
