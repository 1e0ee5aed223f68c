package io.nexomatic.operator.scaling;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.nexomatic.operator.hub.HubQueueView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The arithmetic of an Ephemeral fleet, pure and fed only by observed state: the Hub's view read
 * first, then a fresh list of the fleet's pods. A pod that has not yet connected and a connected
 * idle sink will each take one queued task, so only the rest need new pods: {@code queued −
 * starting − idle}, within {@code maxPods − active}. Reading the Hub before listing the pods means
 * a pod that connects and takes a task in between is counted once as starting while its task is
 * still counted as queued, so the two cancel out instead of starting a second pod.
 */
public final class EphemeralPlanner {

  /**
   * The Ephemeral settings the arithmetic needs.
   *
   * @param maxPods most one-task pods at once
   * @param ttlAfterFinished how long a Succeeded pod is kept
   * @param failedHistory how many Failed pods are kept, newest first
   */
  public record Settings(int maxPods, Duration ttlAfterFinished, int failedHistory) {}

  /**
   * One decision.
   *
   * @param start pods to start now
   * @param delete names of pods to delete now: finished ones past their keeping, and idle ones no
   *     queued task is left for
   * @param active pods not yet finished (terminating ones included: they still hold a node's room)
   * @param ready of those, the Ready ones
   * @param starting active pods whose sink has not connected to the Hub yet
   * @param idle connected sinks holding no task and not draining
   * @param stopped of the pods to delete, the idle ones (their tasks were cancelled or taken by
   *     others): deleting one drains its sink, which hands back any task offered meanwhile
   * @param lastFailure why the most recently finished pod failed, when it did
   */
  public record Plan(
      int start,
      List<String> delete,
      int active,
      int ready,
      int starting,
      int idle,
      int stopped,
      Optional<String> lastFailure) {

    public Plan {
      delete = List.copyOf(delete);
    }

    /** A sentence for Events and the ScalingActive condition. */
    public String explanation(long queued, int maxPods) {
      return (start > 0 ? "started " + start + " one-task pod(s): " : "")
          + (stopped > 0 ? "stopped " + stopped + " idle pod(s) no task is left for: " : "")
          + queued
          + " task(s) queued, "
          + starting
          + " pod(s) starting, "
          + idle
          + " idle, "
          + active
          + " of at most "
          + maxPods
          + " pods active";
    }
  }

  private EphemeralPlanner() {}

  /**
   * @param view the Hub's view, or empty when it could not be read (then nothing is started, and
   *     finished pods are still cleaned up)
   * @param pods every pod of the fleet's one-task selector, listed after the Hub was read
   */
  public static Plan plan(
      Optional<HubQueueView> view, List<Pod> pods, Settings settings, Instant now) {
    return plan(view, pods, settings, now, true);
  }

  /**
   * As above; with {@code act} false the view was already acted on by an earlier reconcile, so it
   * is only counted: nothing is started and no idle pod stopped (a pod started from it may have
   * connected, run its task and finished since, and the view would still call that task queued),
   * while finished pods are cleaned up as usual.
   */
  public static Plan plan(
      Optional<HubQueueView> view, List<Pod> pods, Settings settings, Instant now, boolean act) {
    int active = 0;
    int ready = 0;
    int starting = 0;
    int idle = 0;
    var finished = new ArrayList<Pod>();
    var idlePods = new ArrayList<String>();
    for (Pod pod : pods) {
      if (finished(pod)) {
        finished.add(pod);
        continue;
      }
      active++;
      if (isReady(pod)) {
        ready++;
      }
      if (pod.getMetadata().getDeletionTimestamp() != null || view.isEmpty()) {
        continue; // draining out: it takes no task
      }
      String name = pod.getMetadata().getName();
      Integer tasks = view.get().tasksByPod().get(name);
      if (tasks == null) {
        starting++;
      } else if (tasks == 0 && !view.get().drainingPods().contains(name)) {
        idle++;
        idlePods.add(name);
      }
    }
    finished.sort(Comparator.comparing((Pod p) -> finishedAt(p)).reversed());
    Optional<String> lastFailure =
        finished.isEmpty() || !"Failed".equals(phase(finished.get(0)))
            ? Optional.empty()
            : Optional.of(failure(finished.get(0)));

    int start = 0;
    if (view.isPresent() && act) {
      long need = view.get().queued() - starting - idle;
      int free = Math.max(0, settings.maxPods() - active);
      start = (int) Math.max(0, Math.min(need, free));
      // A pod that failed before delivering anything would fail again: probe with one at a time.
      if (lastFailure.isPresent()) {
        start = Math.min(start, 1);
      }
    }

    var delete = new ArrayList<String>();
    int stopped = 0;
    if (view.isPresent() && act && idle > view.get().queued()) {
      // More idle sinks than queued tasks: the surplus would hold its room forever.
      stopped = (int) (idle - view.get().queued());
      idlePods.sort(null);
      delete.addAll(idlePods.subList(0, stopped));
    }
    int failedKept = 0;
    for (Pod pod : finished) {
      if ("Failed".equals(phase(pod))) {
        if (failedKept++ >= settings.failedHistory()) {
          delete.add(pod.getMetadata().getName());
        }
      } else if (!finishedAt(pod).plus(settings.ttlAfterFinished()).isAfter(now)) {
        delete.add(pod.getMetadata().getName());
      }
    }
    return new Plan(start, delete, active, ready, starting, idle, stopped, lastFailure);
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? "Pending" : Objects.toString(pod.getStatus().getPhase(), "");
  }

  private static boolean finished(Pod pod) {
    String phase = phase(pod);
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(
                (PodCondition c) -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Optional<ContainerStateTerminated> terminated(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated())
        .findFirst();
  }

  /** When the pod's container ended, else when the pod was created (evicted before it ran). */
  static Instant finishedAt(Pod pod) {
    return terminated(pod)
        .map(ContainerStateTerminated::getFinishedAt)
        .or(() -> Optional.ofNullable(pod.getMetadata().getCreationTimestamp()))
        .map(EphemeralPlanner::parse)
        .orElse(Instant.EPOCH);
  }

  private static Instant parse(String timestamp) {
    try {
      return Instant.parse(timestamp);
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }

  private static String failure(Pod pod) {
    var why = new StringBuilder("pod " + pod.getMetadata().getName() + " failed");
    terminated(pod)
        .ifPresentOrElse(
            t -> {
              why.append(": ")
                  .append(Objects.toString(t.getReason(), "terminated"))
                  .append(" (exit code ")
                  .append(t.getExitCode())
                  .append(")");
              if (t.getMessage() != null && !t.getMessage().isBlank()) {
                why.append(": ").append(t.getMessage().strip());
              }
            },
            () -> {
              if (pod.getStatus() != null && pod.getStatus().getMessage() != null) {
                why.append(": ").append(pod.getStatus().getMessage());
              }
            });
    return why.toString();
  }
}
