package io.nexomatic.operator;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.nexomatic.hub.testing.HubFixture;
import io.nexomatic.hub.testing.MutableClock;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.operator.children.FleetLabels;
import io.nexomatic.operator.hub.GrpcHubQueueSource;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.CapacityScheduleSpec;
import io.nexomatic.operator.model.FallbackPolicy;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.scaling.PodDeletionCosts;
import io.nexomatic.operator.testing.OperatorHarness;
import io.nexomatic.operator.testing.TestFleets;
import io.nexomatic.protocol.v1.CancelTaskRequest;
import io.nexomatic.protocol.v1.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Backlog autoscaling end to end inside one JVM: the real operator wiring against the mock API
 * server, reading a real reference Hub over gRPC (in-process transport) with the fleet's own
 * credentials. The operator's clock is the test's, so stabilization windows pass on demand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BacklogAutoscalingTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private final MutableClock clock = new MutableClock();
  private HubFixture hub;
  private ManagedChannel hubChannel;
  private ManagedChannel deadChannel;
  private volatile Channel current;
  private OperatorHarness harness;
  private KubernetesClient client;
  private String namespace;
  private final List<ScriptedSink> sinks = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    hub = new HubFixture();
    hubChannel = hub.channel();
    // A channel to an in-process server that does not exist: every call fails UNAVAILABLE.
    deadChannel = InProcessChannelBuilder.forName("no-hub-here").directExecutor().build();
    current = hubChannel;
    harness =
        new OperatorHarness(
            new GrpcHubQueueSource(endpoint -> current, Duration.ofSeconds(5)), clock);
    client = harness.client();
  }

  @AfterAll
  void stop() {
    harness.close();
    deadChannel.shutdownNow();
    hub.close();
  }

  @BeforeEach
  void freshNamespace() {
    namespace = "backlog-" + NAMESPACES.incrementAndGet();
    current = hubChannel;
  }

  @AfterEach
  void drainHub() {
    sinks.forEach(ScriptedSink::close);
    sinks.clear();
    for (Task t :
        hub.admin
            .listTasks(
                io.nexomatic.protocol.v1.ListTasksRequest.newBuilder().setLimit(10_000).build())
            .getTasksList()) {
      hub.admin.cancelTask(
          CancelTaskRequest.newBuilder().setTaskId(t.getTaskId()).setReason("test over").build());
    }
  }

  private SinkFleet backlogFleet(Consumer<AutoscalingSpec> tune) {
    var fleet = TestFleets.pythonFleet(namespace);
    fleet.getSpec().setReplicas(null);
    var autoscaling = new AutoscalingSpec();
    autoscaling.setMode(AutoscalingMode.BACKLOG);
    autoscaling.setTasksPerSink(10);
    autoscaling.setMinReplicas(1);
    autoscaling.setMaxReplicas(20);
    autoscaling.setPollIntervalSeconds(1);
    autoscaling.setScaleDownStabilizationSeconds(300);
    tune.accept(autoscaling);
    fleet.getSpec().setAutoscaling(autoscaling);
    return fleet;
  }

  private void create(SinkFleet fleet, String secret) {
    client.resource(TestFleets.clientSecret(namespace, secret)).create();
    client.resource(fleet).create();
  }

  @Test
  void aBurstOfQueuedTasksIsMetWithOneScaleDecision() {
    create(backlogFleet(a -> {}), BASE_SECRET);
    awaitReplicas(1);

    // A burst is one instant for the Hub but 100 calls here, and a poll may land between two of
    // them. The operator's reads are cut while the burst is queued (the fleet keeps its count and
    // reports it), so the first read after it sees all 100 tasks however slow the machine is.
    current = deadChannel;
    awaitFleet(f -> assertThat(scalingActive(f).getReason()).isEqualTo("HubUnreachable"));
    for (int i = 0; i < 100; i++) {
      hub.submit(BASE);
    }
    current = hubChannel;

    awaitReplicas(10);
    // The status is written after the Deployment, in the same reconcile.
    awaitFleet(
        fleet -> {
          assertThat(fleet.getStatus().getQueued()).isEqualTo(100);
          assertThat(fleet.getStatus().getDesiredReplicas()).isEqualTo(10);
          assertThat(scalingActive(fleet).getStatus()).isEqualTo("True");
        });
    assertThat(events("Scaled"))
        .as("one decision, straight to the target")
        .containsExactly("scaled up from 1 to 10: 100 tasks queued or leased at 10 per sink");
  }

  @Test
  void aCapacityScheduleRaisesTheFloorWhileActiveAndSaysSoInStatusAndEvents() {
    // A window that started this minute on the operator's clock and lasts ten minutes.
    var now = clock.instant().atZone(java.time.ZoneOffset.UTC);
    var window = new CapacityScheduleSpec();
    window.setName("batch-window");
    window.setCron(now.getMinute() + " " + now.getHour() + " * * *");
    window.setDurationMinutes(10);
    window.setMinReplicas(3);
    create(
        backlogFleet(
            a -> {
              a.setMinReplicas(0);
              a.setScaleDownStabilizationSeconds(0);
              a.setSchedules(List.of(window));
            }),
        BASE_SECRET);

    awaitReplicas(3);
    awaitFleet(f -> assertThat(f.getStatus().getActiveSchedule()).isEqualTo("batch-window"));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(events("CapacitySchedule"))
                    .singleElement()
                    .asString()
                    .startsWith("capacity schedule batch-window started"));

    clock.advance(Duration.ofMinutes(11));
    // Back to what the backlog alone asks for (this class's Hub may still hold another test's
    // leased task, so not necessarily zero).
    awaitFleet(
        f ->
            assertThat(f.getStatus().getDesiredReplicas())
                .as("%s", scalingActive(f).getMessage())
                .isLessThan(3));
    awaitFleet(f -> assertThat(f.getStatus().getActiveSchedule()).isNull());
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(events("CapacitySchedule"))
                    .anySatisfy(
                        e -> assertThat(e).startsWith("capacity schedule batch-window ended")));
  }

  @Test
  void aDrainedBacklogHoldsTheFleetForTheWindowThenShrinksIt() {
    create(backlogFleet(a -> {}), BASE_SECRET);
    var tasks = new ArrayList<Task>();
    for (int i = 0; i < 50; i++) {
      tasks.add(hub.submit(BASE));
    }
    awaitReplicas(5);

    // Draining 50 tasks is 50 calls here, and a poll that lands between two of them sees a partial
    // backlog: the pending scale-down rightly keeps the most sinks asked for in its window (3 for
    // 25 tasks), so the fleet would shrink to that. The operator's reads are cut while the tasks
    // are cancelled (the fleet keeps its count), so the first read after it sees none left.
    current = deadChannel;
    awaitFleet(f -> assertThat(scalingActive(f).getReason()).isEqualTo("HubUnreachable"));
    tasks.forEach(
        t ->
            hub.admin.cancelTask(
                CancelTaskRequest.newBuilder().setTaskId(t.getTaskId()).setReason("done").build()));
    current = hubChannel;
    awaitFleet(f -> assertThat(f.getStatus().getScaleDownPending().getReplicas()).isEqualTo(1));
    int polls = harness.finishedReconciliations(namespace, "python");
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.finishedReconciliations(namespace, "python") > polls + 2);
    assertThat(deployment().getSpec().getReplicas()).as("inside the window").isEqualTo(5);

    clock.advance(Duration.ofSeconds(301));
    awaitReplicas(1);
    awaitFleet(f -> assertThat(f.getStatus().getScaleDownPending()).isNull());
    assertThat(events("Scaled"))
        .last()
        .asString()
        .startsWith("scaled down from 5 to 1 after 300 s");
  }

  @Test
  void anEmptyQueueScalesToZeroAndWorkBringsASinkBack() {
    create(
        backlogFleet(
            a -> {
              a.setMinReplicas(0);
              a.setScaleDownStabilizationSeconds(0);
            }),
        BASE_SECRET);
    awaitReplicas(0);
    awaitFleet(f -> assertThat(ready(f).getReason()).isEqualTo("ScaledToZero"));

    hub.submit(BASE);
    awaitReplicas(1);
  }

  @Test
  void anUnreachableHubKeepsTheCountReportsItAndRecovers() {
    create(backlogFleet(a -> {}), BASE_SECRET);
    for (int i = 0; i < 30; i++) {
      hub.submit(BASE);
    }
    awaitReplicas(3);

    current = deadChannel;
    awaitFleet(
        f -> {
          assertThat(scalingActive(f).getStatus()).isEqualTo("False");
          assertThat(scalingActive(f).getReason()).isEqualTo("HubUnreachable");
          assertThat(scalingActive(f).getMessage()).contains("UNAVAILABLE").contains("keeping 3");
        });
    assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
    assertThat(events("HubUnreachable")).hasSize(1);

    current = hubChannel;
    awaitFleet(f -> assertThat(scalingActive(f).getStatus()).isEqualTo("True"));
    assertThat(events("ReadingBacklog")).hasSize(1);
  }

  @Test
  void theFixedFallbackRunsItsCountWhileTheHubIsDown() {
    create(
        backlogFleet(
            a -> {
              a.getFallback().setPolicy(FallbackPolicy.FIXED);
              a.getFallback().setReplicas(4);
            }),
        BASE_SECRET);
    awaitReplicas(1);
    current = deadChannel;
    awaitReplicas(4);
    awaitFleet(
        f -> assertThat(scalingActive(f).getMessage()).contains("running the fallback of 4"));
  }

  @Test
  void aWrongSecretIsReportedAsAuthRejected() {
    create(backlogFleet(a -> {}), "not-the-secret");
    awaitFleet(
        f -> {
          assertThat(scalingActive(f).getReason()).isEqualTo("AuthRejected");
          assertThat(scalingActive(f).getMessage())
              .contains("refused the fleet's credentials")
              .doesNotContain("not-the-secret");
        });
  }

  @Test
  void beforeShrinkingBusySinksAreRankedAboveIdleOnesForDeletion() {
    var fleet =
        backlogFleet(
            a -> {
              a.setTasksPerSink(1);
              a.setScaleDownStabilizationSeconds(0);
            });
    create(fleet, BASE_SECRET);
    ScriptedSink busy = connectedSink();
    ScriptedSink idle = connectedSink();
    Pod busyPod = pod(fleet, podName(busy));
    Pod idlePod = pod(fleet, podName(idle));
    Pod unknownPod = pod(fleet, "python-not-connected");

    var tasks = new ArrayList<Task>();
    for (int i = 0; i < 3; i++) {
      tasks.add(hub.submit(BASE));
    }
    busy.credit(1);
    busy.accept(busy.takeOffer());
    awaitReplicas(3);

    // Two tasks go away: demand is 1, the fleet shrinks from 3.
    tasks.stream()
        .filter(
            t ->
                !hub.admin
                    .getTask(
                        io.nexomatic.protocol.v1.GetTaskRequest.newBuilder()
                            .setTaskId(t.getTaskId())
                            .build())
                    .getSinkUuid()
                    .equals(busy.sinkUuid))
        .forEach(
            t ->
                hub.admin.cancelTask(
                    CancelTaskRequest.newBuilder()
                        .setTaskId(t.getTaskId())
                        .setReason("x")
                        .build()));
    awaitReplicas(1);

    assertThat(deletionCost(busyPod)).isEqualTo("1");
    assertThat(deletionCost(idlePod)).isEqualTo("0");
    assertThat(deletionCost(unknownPod)).isEqualTo("-1");
  }

  private ScriptedSink connectedSink() {
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(1);
    sinks.add(sink);
    return sink;
  }

  private static String podName(ScriptedSink sink) {
    return "pod-" + sink.sinkUuid.substring(0, 8);
  }

  private Pod pod(SinkFleet fleet, String name) {
    return client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(FleetLabels.selector(fleet))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("sink")
                .withImage("sink")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private String deletionCost(Pod pod) {
    var annotations =
        client
            .pods()
            .inNamespace(namespace)
            .withName(pod.getMetadata().getName())
            .get()
            .getMetadata()
            .getAnnotations();
    return annotations == null ? null : annotations.get(PodDeletionCosts.ANNOTATION);
  }

  private void awaitReplicas(int replicas) {
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(deployment().getSpec().getReplicas()).isEqualTo(replicas));
  }

  private Deployment deployment() {
    return client.apps().deployments().inNamespace(namespace).withName("python").get();
  }

  private SinkFleet fleet() {
    return client.resources(SinkFleet.class).inNamespace(namespace).withName("python").get();
  }

  private void awaitFleet(Consumer<SinkFleet> assertion) {
    await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertion.accept(fleet()));
  }

  private List<String> events(String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  private static Condition scalingActive(SinkFleet fleet) {
    return TestFleets.condition(fleet, "ScalingActive");
  }

  private static Condition ready(SinkFleet fleet) {
    return TestFleets.condition(fleet, "Ready");
  }
}
