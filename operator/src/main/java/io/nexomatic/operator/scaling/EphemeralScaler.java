package io.nexomatic.operator.scaling;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.nexomatic.operator.children.EphemeralPods;
import io.nexomatic.operator.children.FleetInputs;
import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetStatus;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an Ephemeral fleet: takes the latest observation of the Hub (read by the poller), lists the
 * fleet's one-task pods straight from the API server (not from a cache, which could lag behind the
 * pods this operator just created and make it start them twice), starts what {@link
 * EphemeralPlanner} asks for and deletes finished pods and idle ones no task is left for. Each
 * reading is acted on once: a later reconcile off the same reading only counts and cleans up.
 */
public final class EphemeralScaler {

  private static final Logger log = LoggerFactory.getLogger(EphemeralScaler.class);

  private final Clock clock;

  public EphemeralScaler(Clock clock) {
    this.clock = clock;
  }

  /**
   * What this reconcile did.
   *
   * @param plan the decision it carried out
   * @param scaling the same, in the shape the status and the ScalingActive condition take
   */
  public record Outcome(EphemeralPlanner.Plan plan, BacklogAutoscaler.Outcome scaling) {}

  /**
   * Decides from {@code observation} and acts; a Hub problem (or an observation too old to act on)
   * starts nothing and is reported, never thrown.
   */
  public Outcome reconcile(
      SinkFleet fleet, FleetInputs inputs, KubernetesClient client, HubObservation observation) {
    var effective = inputs.effective();
    var settings =
        new EphemeralPlanner.Settings(
            effective.maxReplicas(),
            effective.ephemeralTtlAfterFinished(),
            effective.failedPodsHistoryLimit());
    var poll = effective.pollInterval();

    var reading = HubReading.of(observation, clock.instant(), poll);
    var view = reading.view();
    // The planner's accounting holds for pods listed after the reading once: later, a pod started
    // from it may have run its task and finished while the reading still calls the task queued.
    boolean act = view.isPresent() && observation.claim();
    String namespace = fleet.getMetadata().getNamespace();
    List<Pod> pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabels(EphemeralPods.selector(fleet))
            .list()
            .getItems();
    var now = clock.instant();
    var plan = EphemeralPlanner.plan(view, pods, settings, now, act);

    int started = 0;
    for (int i = 0; i < plan.start(); i++) {
      client.pods().inNamespace(namespace).resource(EphemeralPods.build(fleet, inputs)).create();
      started++;
    }
    for (String name : plan.delete()) {
      try {
        client.pods().inNamespace(namespace).withName(name).delete();
      } catch (KubernetesClientException e) {
        log.warn("cannot delete pod {}/{}: {}", namespace, name, e.getMessage());
      }
    }

    int replicas = plan.active() + started;
    var previous = Optional.ofNullable(fleet.getStatus());
    String lastScaleTime =
        started > 0
            ? now.truncatedTo(ChronoUnit.SECONDS).toString()
            : previous.map(SinkFleetStatus::getLastScaleTime).orElse(null);
    BacklogAutoscaler.Outcome scaling;
    if (view.isEmpty()) {
      String message =
          reading.message()
              + "; starting no pods until the Hub can be read ("
              + plan.active()
              + " still active)";
      scaling =
          new BacklogAutoscaler.Outcome(
              replicas,
              Optional.empty(),
              null,
              lastScaleTime,
              false,
              reading.reason(),
              message,
              null,
              poll,
              null);
    } else {
      String explanation = plan.explanation(view.get().queued(), settings.maxPods());
      scaling =
          new BacklogAutoscaler.Outcome(
              replicas,
              view,
              null,
              lastScaleTime,
              true,
              BacklogAutoscaler.READING_BACKLOG,
              explanation,
              started > 0 || plan.stopped() > 0 ? explanation : null,
              poll,
              null);
    }
    return new Outcome(plan, scaling);
  }
}
