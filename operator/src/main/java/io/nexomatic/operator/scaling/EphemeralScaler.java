package io.nexomatic.operator.scaling;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.nexomatic.operator.children.EphemeralPods;
import io.nexomatic.operator.children.FleetInputs;
import io.nexomatic.operator.hub.HubQueueSource;
import io.nexomatic.operator.hub.HubQueueView;
import io.nexomatic.operator.hub.HubReadException;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetStatus;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an Ephemeral fleet: reads the Hub, lists the fleet's one-task pods straight from the API
 * server (not from a cache, which could lag behind the pods this operator just created and make it
 * start them twice), starts what {@link EphemeralPlanner} asks for and deletes finished pods and
 * idle ones no task is left for.
 */
public final class EphemeralScaler {

  private static final Logger log = LoggerFactory.getLogger(EphemeralScaler.class);

  private final HubQueueSource hub;
  private final Clock clock;

  public EphemeralScaler(HubQueueSource hub, Clock clock) {
    this.hub = hub;
    this.clock = clock;
  }

  /**
   * What this reconcile did.
   *
   * @param plan the decision it carried out
   * @param scaling the same, in the shape the status and the ScalingActive condition take
   */
  public record Outcome(EphemeralPlanner.Plan plan, BacklogAutoscaler.Outcome scaling) {}

  /** Reads, decides and acts; a Hub problem starts nothing and is reported, never thrown. */
  public Outcome reconcile(SinkFleet fleet, FleetInputs inputs, KubernetesClient client) {
    var effective = inputs.effective();
    var settings =
        new EphemeralPlanner.Settings(
            effective.maxReplicas(),
            effective.ephemeralTtlAfterFinished(),
            effective.failedPodsHistoryLimit());
    var poll = effective.pollInterval();

    Optional<HubQueueView> view;
    HubReadException failure = null;
    try {
      view = Optional.of(hub.read(fleet, inputs.credentials()));
    } catch (HubReadException e) {
      view = Optional.empty();
      failure = e;
    }
    String namespace = fleet.getMetadata().getNamespace();
    List<Pod> pods =
        client
            .pods()
            .inNamespace(namespace)
            .withLabels(EphemeralPods.selector(fleet))
            .list()
            .getItems();
    var now = clock.instant();
    var plan = EphemeralPlanner.plan(view, pods, settings, now);

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
    if (failure != null) {
      String message =
          failure.getMessage()
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
              failure.authRejected()
                  ? BacklogAutoscaler.AUTH_REJECTED
                  : BacklogAutoscaler.HUB_UNREACHABLE,
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
