package io.nexomatic.operator;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.nexomatic.hub.testing.HubFixture;
import io.nexomatic.hub.testing.MutableClock;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.operator.children.EphemeralPods;
import io.nexomatic.operator.hub.GrpcHubQueueSource;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.testing.OperatorHarness;
import io.nexomatic.operator.testing.TestFleets;
import io.nexomatic.protocol.v1.ListTasksRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An Ephemeral fleet end to end inside one JVM: the real operator wiring against the mock API
 * server and a real reference Hub read over gRPC. The test plays kubelet: each pod the operator
 * creates becomes a scripted sink that reports that pod's name, takes one task, delivers it, and
 * leaves its pod Succeeded.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EphemeralFleetTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String NAMESPACE = "ephemeral";

  private HubFixture hub;
  private ManagedChannel hubChannel;
  private OperatorHarness harness;
  private KubernetesClient client;
  private final List<ScriptedSink> sinks = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    hub = new HubFixture();
    hubChannel = hub.channel();
    harness =
        new OperatorHarness(
            new GrpcHubQueueSource(endpoint -> hubChannel, Duration.ofSeconds(5)),
            new MutableClock());
    client = harness.client();
  }

  @AfterEach
  void stop() {
    sinks.forEach(ScriptedSink::close);
    harness.close();
    hub.close();
  }

  private SinkFleet ephemeralFleet(int maxPods) {
    var fleet = TestFleets.pythonFleet(NAMESPACE);
    fleet.getSpec().setReplicas(null);
    var autoscaling = new AutoscalingSpec();
    autoscaling.setMode(AutoscalingMode.EPHEMERAL);
    autoscaling.setMaxReplicas(maxPods);
    autoscaling.setPollIntervalSeconds(1);
    fleet.getSpec().setAutoscaling(autoscaling);
    client.resource(TestFleets.clientSecret(NAMESPACE, BASE_SECRET)).create();
    return client.resource(fleet).create();
  }

  private List<Pod> pods(SinkFleet fleet) {
    return client
        .pods()
        .inNamespace(NAMESPACE)
        .withLabels(EphemeralPods.selector(fleet))
        .list()
        .getItems();
  }

  private static boolean finished(Pod pod) {
    return pod.getStatus() != null
        && ("Succeeded".equals(pod.getStatus().getPhase())
            || "Failed".equals(pod.getStatus().getPhase()));
  }

  /** What kubelet and the sink runtime would do with the pod: one task, then exit 0. */
  private TaskRef runOneTask(Pod pod) {
    ScriptedSink sink = hub.sink(BASE);
    sink.podName = pod.getMetadata().getName();
    sinks.add(sink);
    sink.hello(1);
    sink.credit(1);
    TaskRef ref = sink.takeOffer();
    sink.started(ref);
    sink.result(ref, TaskState.SUCCESS, 0, "ran in " + pod.getMetadata().getName());
    sink.close();
    client
        .pods()
        .inNamespace(NAMESPACE)
        .resource(
            new PodBuilder(pod)
                .withNewStatus()
                .withPhase("Succeeded")
                .addNewContainerStatus()
                .withName("sink")
                .withNewState()
                .withNewTerminated()
                .withExitCode(0)
                .withReason("Completed")
                .withFinishedAt(Instant.now().toString())
                .endTerminated()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build())
        .updateStatus();
    return ref;
  }

  @Test
  void aBurstOfTenTasksStartsExactlyTenPodsNeverMoreThanTheCapAtOnce() {
    var fleet = ephemeralFleet(4);
    for (int i = 0; i < 10; i++) {
      hub.submit(BASE);
    }
    Map<String, TaskRef> taskOfPod = new HashMap<>();
    Set<String> seen = new HashSet<>();
    int mostActive = 0;
    var deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (taskOfPod.size() < 10 && System.nanoTime() < deadline) {
      var pods = pods(fleet);
      int active = (int) pods.stream().filter(p -> !finished(p)).count();
      mostActive = Math.max(mostActive, active);
      pods.forEach(p -> seen.add(p.getMetadata().getName()));
      for (Pod pod : pods) {
        if (!finished(pod) && !taskOfPod.containsKey(pod.getMetadata().getName())) {
          taskOfPod.put(pod.getMetadata().getName(), runOneTask(pod));
        }
      }
    }
    assertThat(taskOfPod).hasSize(10);
    assertThat(mostActive).as("pods at once").isLessThanOrEqualTo(4);
    assertThat(taskOfPod.values().stream().map(TaskRef::getTaskId).distinct())
        .as("no task ran in two pods")
        .hasSize(10);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        hub.admin.listTasks(ListTasksRequest.newBuilder().build()).getTasksList())
                    .extracting(Task::getState)
                    .containsOnly(TaskState.SUCCESS));
    // Two more polls with nothing queued: no eleventh pod.
    var fleetNow = client.resources(SinkFleet.class).inNamespace(NAMESPACE).withName("python");
    await()
        .pollDelay(Duration.ofSeconds(2))
        .atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(pods(fleet)).hasSize(10));
    assertThat(seen).hasSize(10);
    assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName("python").get())
        .as("an Ephemeral fleet runs no Deployment")
        .isNull();
    assertThat(TestFleets.condition(fleetNow.get(), "Ready").getReason())
        .isEqualTo("EphemeralServing");
  }

  @Test
  void podsWhoseTasksWereCancelledBeforeTheyConnectedAreStoppedOnceIdle() {
    var fleet = ephemeralFleet(10);
    var first = hub.submit(BASE);
    var second = hub.submit(BASE);
    await().atMost(TIMEOUT).until(() -> pods(fleet).size() == 2);
    for (var t : List.of(first, second)) {
      hub.admin.cancelTask(
          io.nexomatic.protocol.v1.CancelTaskRequest.newBuilder()
              .setTaskId(t.getTaskId())
              .setReason("no longer needed")
              .build());
    }
    for (Pod pod : pods(fleet)) {
      ScriptedSink sink = hub.sink(BASE);
      sink.podName = pod.getMetadata().getName();
      sinks.add(sink);
      sink.hello(1);
      sink.credit(1);
    }
    // Connected, idle, and no task left for them: the operator deletes them (kubelet would then
    // SIGTERM their sinks, which drain).
    await().atMost(TIMEOUT).until(() -> pods(fleet).isEmpty());
  }

  @Test
  void podsThatHaveNotConnectedYetAreNeverDoubledHoweverManyPollsPass() {
    var fleet = ephemeralFleet(10);
    for (int i = 0; i < 3; i++) {
      hub.submit(BASE);
    }
    await().atMost(TIMEOUT).until(() -> pods(fleet).size() == 3);
    // Nobody plays kubelet: the pods stay Pending and unconnected through several polls.
    await()
        .pollDelay(Duration.ofSeconds(3))
        .atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(pods(fleet)).hasSize(3));
    var pod = pods(fleet).get(0);
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
    assertThat(pod.getSpec().getContainers().get(0).getEnv())
        .filteredOn(e -> List.of("CONCURRENCY", "PREFETCH", "MAX_TASKS").contains(e.getName()))
        .extracting(e -> e.getName() + "=" + e.getValue())
        .containsExactlyInAnyOrder("CONCURRENCY=1", "PREFETCH=0", "MAX_TASKS=1");
  }
}
