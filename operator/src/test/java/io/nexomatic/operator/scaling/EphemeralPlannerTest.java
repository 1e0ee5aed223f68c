package io.nexomatic.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.nexomatic.operator.hub.HubQueueView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EphemeralPlannerTest {

  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  private static final EphemeralPlanner.Settings TEN =
      new EphemeralPlanner.Settings(10, Duration.ofSeconds(60), 2);

  private static Optional<HubQueueView> hub(long queued, Map<String, Integer> tasksByPod) {
    return hub(queued, tasksByPod, Set.of());
  }

  private static Optional<HubQueueView> hub(
      long queued, Map<String, Integer> tasksByPod, Set<String> draining) {
    int busy = (int) tasksByPod.values().stream().filter(n -> n > 0).count();
    return Optional.of(
        new HubQueueView(queued, busy, tasksByPod.size(), busy, tasksByPod, draining));
  }

  private static Pod pod(String name, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withCreationTimestamp(NOW.minusSeconds(600).toString())
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  private static Pod finished(String name, String phase, Instant at, String reason) {
    return new PodBuilder(pod(name, phase))
        .editStatus()
        .addNewContainerStatus()
        .withName("sink")
        .withNewState()
        .withNewTerminated()
        .withExitCode("Failed".equals(phase) ? 1 : 0)
        .withReason(reason)
        .withMessage("Failed".equals(phase) ? "cannot reach HUB_HOST" : null)
        .withFinishedAt(at.toString())
        .endTerminated()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private static Pod terminating(String name) {
    return new PodBuilder(pod(name, "Running"))
        .editMetadata()
        .withDeletionTimestamp(NOW.toString())
        .endMetadata()
        .build();
  }

  @Test
  void aBurstOfNTasksStartsNPodsWhenTheCapAllows() {
    var plan = EphemeralPlanner.plan(hub(7, Map.of()), List.of(), TEN, NOW);
    assertThat(plan.start()).isEqualTo(7);
  }

  @Test
  void theCapBoundsPodsAtOnceCountingEveryActiveOne() {
    var pods = new ArrayList<Pod>();
    var tasks = new HashMap<String, Integer>();
    for (int i = 0; i < 6; i++) {
      pods.add(pod("busy-" + i, "Running"));
      tasks.put("busy-" + i, 1);
    }
    var plan = EphemeralPlanner.plan(hub(50, tasks), pods, TEN, NOW);
    assertThat(plan.start()).isEqualTo(4);
    assertThat(plan.active()).isEqualTo(6);
  }

  @Test
  void podsThatHaveNotConnectedYetWillTakeQueuedTasksSoNoneIsStartedTwice() {
    var pods = List.of(pod("a", "Pending"), pod("b", "Running"), pod("c", "Running"));
    // a and b have not connected; c connected and holds its task.
    var plan = EphemeralPlanner.plan(hub(3, Map.of("c", 1)), pods, TEN, NOW);
    assertThat(plan.starting()).isEqualTo(2);
    assertThat(plan.start()).isEqualTo(1);
  }

  @Test
  void aPodThatConnectsAndTakesItsTaskBetweenTheTwoReadsIsCountedOnce() {
    // The Hub was read first: the task still queued, the pod not yet connected. Then the pod
    // took it, and the pod list shows it Running. The two cancel out.
    var plan = EphemeralPlanner.plan(hub(1, Map.of()), List.of(pod("a", "Running")), TEN, NOW);
    assertThat(plan.start()).isZero();
  }

  @Test
  void connectedIdleSinksTakeQueuedTasksButDrainingOnesDoNot() {
    var pods = List.of(pod("idle", "Running"), pod("leaving", "Running"));
    var plan =
        EphemeralPlanner.plan(
            hub(3, Map.of("idle", 0, "leaving", 0), Set.of("leaving")), pods, TEN, NOW);
    assertThat(plan.idle()).isEqualTo(1);
    assertThat(plan.start()).isEqualTo(2);
  }

  @Test
  void idleSinksBeyondTheQueuedTasksAreStoppedSoTheyDoNotHoldRoomForever() {
    var pods = List.of(pod("a", "Running"), pod("b", "Running"), pod("c", "Running"));
    var plan = EphemeralPlanner.plan(hub(1, Map.of("a", 0, "b", 0, "c", 1)), pods, TEN, NOW);
    assertThat(plan.start()).isZero();
    assertThat(plan.stopped()).isEqualTo(1);
    assertThat(plan.delete()).containsExactly("a");
    assertThat(plan.explanation(1, 10)).startsWith("stopped 1 idle pod(s) no task is left for: ");
  }

  @Test
  void aTerminatingPodHoldsRoomUnderTheCapButTakesNoTask() {
    var settings = new EphemeralPlanner.Settings(2, Duration.ofSeconds(60), 2);
    var plan = EphemeralPlanner.plan(hub(5, Map.of()), List.of(terminating("t")), settings, NOW);
    assertThat(plan.starting()).isZero();
    assertThat(plan.start()).isEqualTo(1);
  }

  @Test
  void nothingStartsWhenTheHubCannotBeReadButFinishedPodsAreStillCleanedUp() {
    var pods =
        List.of(
            finished("old", "Succeeded", NOW.minusSeconds(61), "Completed"),
            pod("running", "Running"));
    var plan = EphemeralPlanner.plan(Optional.empty(), pods, TEN, NOW);
    assertThat(plan.start()).isZero();
    assertThat(plan.delete()).containsExactly("old");
    assertThat(plan.active()).isEqualTo(1);
  }

  @Test
  void succeededPodsGoAfterTheirTtlAndOnlyTheNewestFailedOnesAreKept() {
    var pods =
        List.of(
            finished("fresh", "Succeeded", NOW.minusSeconds(59), "Completed"),
            finished("expired", "Succeeded", NOW.minusSeconds(60), "Completed"),
            finished("failed-1", "Failed", NOW.minusSeconds(300), "Error"),
            finished("failed-2", "Failed", NOW.minusSeconds(200), "Error"),
            finished("failed-3", "Failed", NOW.minusSeconds(100), "Error"));
    var plan = EphemeralPlanner.plan(hub(0, Map.of()), pods, TEN, NOW);
    assertThat(plan.delete()).containsExactlyInAnyOrder("expired", "failed-1");
  }

  @Test
  void afterAFailedPodItStartsOneAtATimeAndSaysWhy() {
    var pods =
        List.of(
            finished("ok", "Succeeded", NOW.minusSeconds(30), "Completed"),
            finished("broken", "Failed", NOW.minusSeconds(10), "Error"));
    var plan = EphemeralPlanner.plan(hub(5, Map.of()), pods, TEN, NOW);
    assertThat(plan.start()).isEqualTo(1);
    assertThat(plan.lastFailure())
        .contains("pod broken failed: Error (exit code 1): cannot reach HUB_HOST");
  }

  @Test
  void aSuccessAfterAFailureClearsIt() {
    var pods =
        List.of(
            finished("broken", "Failed", NOW.minusSeconds(30), "Error"),
            finished("ok", "Succeeded", NOW.minusSeconds(10), "Completed"));
    var plan = EphemeralPlanner.plan(hub(5, Map.of()), pods, TEN, NOW);
    assertThat(plan.lastFailure()).isEmpty();
    assertThat(plan.start()).isEqualTo(5);
  }

  @Test
  void theExplanationNamesEveryTerm() {
    var plan = EphemeralPlanner.plan(hub(4, Map.of()), List.of(pod("a", "Pending")), TEN, NOW);
    assertThat(plan.explanation(4, 10))
        .isEqualTo(
            "started 3 one-task pod(s): 4 task(s) queued, 1 pod(s) starting, 0 idle, 1 of at"
                + " most 10 pods active");
  }

  @Test
  void aReadingAlreadyActedOnStartsNothingEvenWhenItsPodRanAndFinishedSince() {
    // The reading said one task queued and a pod was started for it; the pod then took the task,
    // ran it and succeeded before the next poll. The same reading still calls the task queued.
    var pods = List.of(finished("done", "Succeeded", NOW.minusSeconds(5), "Completed"));
    var again = EphemeralPlanner.plan(hub(1, Map.of()), pods, TEN, NOW, false);
    assertThat(again.start()).isZero();
    assertThat(EphemeralPlanner.plan(hub(1, Map.of()), pods, TEN, NOW, true).start())
        .as("acting on it a second time would start a second pod for one task")
        .isEqualTo(1);
  }

  @Test
  void aReadingAlreadyActedOnStopsNoIdlePodButStillCleansUpFinishedOnes() {
    var pods =
        List.of(
            pod("a", "Running"),
            finished("expired", "Succeeded", NOW.minusSeconds(60), "Completed"));
    var plan = EphemeralPlanner.plan(hub(0, Map.of("a", 0)), pods, TEN, NOW, false);
    assertThat(plan.stopped()).isZero();
    assertThat(plan.delete()).containsExactly("expired");
    assertThat(plan.idle()).as("still counted").isEqualTo(1);
  }
}
