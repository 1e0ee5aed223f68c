package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.protocol.v1.Sink;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * README's install path on a real node ({@code scripts/local-cluster.sh}): the chart installed by
 * Helm with the operator image (two replicas, leader election, its own ServiceAccount token), the
 * reference Hub from {@code examples/reference-hub.yaml} behind a Service, and the examples'
 * fleets, all run as real containers by a real kubelet. Every scenario prints one summary line with
 * its figures and checks the Hub's records: no task lost, none run twice unless the scenario kills
 * a sink.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class ClusterE2EIT {

  static final String NS = "nexomatic";
  static final String OPERATOR_NS = "nexomatic-system";
  static final String RELEASE = "nexomatic";
  static final String LEASE = "nexomatic-nexomatic-sink-operator";
  static final String SINK_IMAGE = "localhost/nexomatic-sink-e2e:0.1.0";
  static final String BACKLOG_FLEET = "python-backlog";
  static final String CPU_FLEET = "python-cpu";

  Docker docker;
  LocalCluster cluster;
  KubernetesClient kube;
  HubClient hub;
  Path work;

  @BeforeAll
  void installAsTheReadmeSays() throws Exception {
    docker = Docker.connect();
    docker.ensureImages();
    work = Files.createTempDirectory("cluster-e2e-");
    buildSinkImageWithModules();
    long start = System.nanoTime();
    cluster = LocalCluster.up(docker);
    cluster.load("localhost/nexomatic-operator:0.1.0", "localhost/nexomatic-hub:0.1.0", SINK_IMAGE);
    kube = cluster.client();
    installOperator();
    installHub();
    summary(
        "install", "operator 2 replicas and Hub Ready on the real node in %.0f s", seconds(start));
  }

  /** The stock image has no modules; users bake theirs into an image FROM it (docs/install.md). */
  private void buildSinkImageWithModules() throws IOException {
    Path context = Files.createDirectories(work.resolve("sink-image"));
    Path e2e = Files.createDirectories(context.resolve("modules/e2e"));
    Files.writeString(e2e.resolve("__init__.py"), "");
    Files.writeString(
        e2e.resolve("work.py"),
        """
        \"\"\"Sleeps payload["seconds"], like a task waiting on an API.\"\"\"
        import time


        def run(payload, params):
            print("working", payload.get("n"), flush=True)
            time.sleep(float(payload.get("seconds", 1)))
            return "worked %s" % payload.get("n")
        """);
    Files.writeString(
        e2e.resolve("burn.py"),
        """
        \"\"\"Burns one CPU core for payload["seconds"].\"\"\"
        import time


        def run(payload, params):
            end = time.monotonic() + float(payload.get("seconds", 1))
            x = 0
            while time.monotonic() < end:
                x += 1
            return {"data": {"loops": x}}
        """);
    Files.writeString(
        e2e.resolve("fresh.py"),
        """
        \"\"\"Leaves a file in the container's /tmp and says whether an earlier task left one.\"\"\"
        import os
        import socket

        MARK = "/tmp/e2e-earlier-task-was-here"


        def run(payload, params):
            seen = os.path.exists(MARK)
            with open(MARK, "w") as f:
                f.write(str(payload.get("n")))
            return "pod=%s saw-earlier-task=%s" % (socket.gethostname(), seen)
        """);
    copyTree(Repo.EXAMPLES.resolve("modules/demo"), context.resolve("modules/demo"));
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM localhost/nexomatic-sink-local:0.1.0\n" + "COPY modules/ /opt/nexomatic/modules/\n");
    docker.ok("build", "-t", SINK_IMAGE, context.toString());
  }

  /** Each backlog pod's pod-deletion-cost annotation ("null" when it has none). */
  private Map<String, String> deletionCosts() {
    return fleetPods(BACKLOG_FLEET).stream()
        .collect(
            Collectors.toMap(
                p -> p.getMetadata().getName(),
                p ->
                    String.valueOf(
                        p.getMetadata().getAnnotations() == null
                            ? null
                            : p.getMetadata()
                                .getAnnotations()
                                .get("controller.kubernetes.io/pod-deletion-cost"))));
  }

  private void installOperator() {
    new Helm(Repo.CHART)
        .install()
        .withName(RELEASE)
        .withNamespace(OPERATOR_NS)
        .createNamespace()
        .withKubeConfig(cluster.kubeconfig())
        .set("image.repository", "localhost/nexomatic-operator")
        .set("image.tag", "0.1.0")
        .set("replicaCount", "2")
        .waitReady()
        .withTimeout(300)
        .call();
    Deployment operator =
        kube.apps().deployments().inNamespace(OPERATOR_NS).list().getItems().get(0);
    assertThat(operator.getStatus().getReadyReplicas()).isEqualTo(2);
    List<Pod> pods = operatorPods();
    assertThat(pods).hasSize(2);
    // Its own ServiceAccount's projected token, no impersonation: the chart's RBAC is what it has.
    assertThat(pods)
        .allSatisfy(
            p -> {
              assertThat(p.getSpec().getServiceAccountName())
                  .isEqualTo(operator.getSpec().getTemplate().getSpec().getServiceAccountName());
              assertThat(p.getSpec().getAutomountServiceAccountToken()).isNotEqualTo(false);
            });
    await().atMost(Duration.ofMinutes(2)).until(() -> leader() != null);
  }

  private void installHub() throws IOException {
    Path creds = Files.createDirectories(work.resolve("hub-credentials"));
    creds.toFile().setWritable(true, false);
    // docs/install.md and the example's header: credentials made with the image's own CLI.
    String secrets =
        docker.ok(
            "run",
            "--rm",
            "-u",
            "0:0",
            "-v",
            creds + ":/out",
            "localhost/nexomatic-hub:0.1.0",
            "init-credentials",
            "--out",
            "/out/credentials.yaml");
    cluster.kubectl(null, "create", "namespace", NS);
    cluster.kubectl(
        null,
        "-n",
        NS,
        "create",
        "secret",
        "generic",
        "nexomatic-hub-credentials",
        "--from-file=credentials.yaml=" + creds.resolve("credentials.yaml"));
    String clientSecret = Repo.readJson(secrets).path("clientSecrets").path("LOCAL:BASE").asText();
    cluster.kubectl(
        null,
        "-n",
        NS,
        "create",
        "secret",
        "generic",
        "nexomatic-sink-secrets",
        "--from-literal=client-secret=" + clientSecret);
    cluster.kubectl(
        example("reference-hub.yaml")
            .replace(
                "registry.example.com/nexomatic/nexomatic-hub:0.1.0",
                "localhost/nexomatic-hub:0.1.0"),
        "apply",
        "-f",
        "-");
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> isReady(kube.pods().inNamespace(NS).withName("nexomatic-hub-0").get()));
    String serviceIp =
        kube.services().inNamespace(NS).withName("nexomatic-hub").get().getSpec().getClusterIP();
    // Through the Service's ClusterIP, routed by kube-proxy like any client's traffic.
    hub = HubClient.fromInitCredentials(secrets, serviceIp, 50051);
    hub.awaitServing(Duration.ofMinutes(1));
  }

  @Test
  @Order(1)
  void aBacklogOf200TasksScalesTheFleetUpAndEveryTaskEndsOnceAsItsModuleSays() throws Exception {
    long start = System.nanoTime();
    applyBacklogFleet();
    Map<Task, TaskState> expected = new HashMap<>();
    for (int n = 0; n < 200; n++) {
      String module = n % 10 == 8 ? "demo.warn" : n % 10 == 9 ? "demo.fail" : "e2e.work";
      TaskState ends =
          n % 10 == 8 ? TaskState.WARNING : n % 10 == 9 ? TaskState.ERROR : TaskState.SUCCESS;
      expected.put(hub.submit(module, "{\"n\": " + n + ", \"seconds\": 1}", 120), ends);
    }
    int[] peak = {0};
    int[] peakReady = {0};
    int[] peakConnected = {0};
    List<Task> ended =
        awaitAll(
            expected.keySet(),
            Duration.ofMinutes(8),
            () -> {
              SinkFleet fleet = fleet(BACKLOG_FLEET);
              if (fleet != null && fleet.getStatus() != null) {
                peak[0] = Math.max(peak[0], orZero(fleet.getStatus().getDesiredReplicas()));
                peakReady[0] = Math.max(peakReady[0], orZero(fleet.getStatus().getReadyReplicas()));
                peakConnected[0] =
                    Math.max(peakConnected[0], orZero(fleet.getStatus().getConnectedSinks()));
              }
            });
    for (Task t : ended) {
      Task submitted =
          expected.keySet().stream()
              .filter(s -> s.getTaskId().equals(t.getTaskId()))
              .findFirst()
              .orElseThrow();
      assertThat(t.getState())
          .as("task %s of %s: %s", t.getTaskId(), t.getModule(), t.getMessagesList())
          .isEqualTo(expected.get(submitted));
    }
    int runTwice = runTwice(ended);
    assertThat(runTwice).isZero();
    assertThat(peak[0])
        .as("the backlog (100 sinks' worth) scales the fleet to its maximum")
        .isEqualTo(6);
    assertThat(peakReady[0]).as("pods made Ready by the kubelet's exec probes").isGreaterThan(1);
    assertThat(peakConnected[0]).as("connected sinks counted in status").isGreaterThan(1);
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> "True".equals(condition(fleet(BACKLOG_FLEET), "Ready")));
    summary(
        "backlog",
        "tasks 200, lost 0, run twice %d, replicas 0->%d (ready %d, connected %d), %.0f s",
        runTwice,
        peak[0],
        peakReady[0],
        peakConnected[0],
        seconds(start));
  }

  @Test
  @Order(2)
  void aBusySinkDeletedWithKubectlDrainsWithinItsGracePeriodAndRecordsItsResultOnce() {
    long start = System.nanoTime();
    Task task = hub.submit("e2e.work", "{\"n\": \"drain\", \"seconds\": 15}", 120);
    String podName = awaitRunningPod(task);
    Pod pod = kube.pods().inNamespace(NS).withName(podName).get();
    long grace = pod.getSpec().getTerminationGracePeriodSeconds();
    long deleteStart = System.nanoTime();
    cluster.kubectl(null, "-n", NS, "delete", "pod", podName, "--wait=true");
    double deleteSeconds = seconds(deleteStart);
    Task done = hub.awaitEnd(task, Duration.ofMinutes(2));
    assertThat(deleteSeconds).as("gone within terminationGracePeriodSeconds").isLessThan(grace);
    assertThat(done.getState()).as("%s", done.getMessagesList()).isEqualTo(TaskState.SUCCESS);
    assertThat(done.getHistoryCount()).as("attempts").isEqualTo(1);
    assertThat(podOf(done)).as("finished by the pod being deleted").isEqualTo(podName);
    summary(
        "delete-pod",
        "tasks 1, lost 0, run twice 0, pod gone in %.1f s of %d s grace, %.0f s",
        deleteSeconds,
        grace,
        seconds(start));
  }

  @Test
  @Order(3)
  void aSinkContainerKilledWithSigkillHasItsTaskRequeuedAndFinishedAsAttempt2() {
    long start = System.nanoTime();
    Task task = hub.submit("e2e.work", "{\"n\": \"killed\", \"seconds\": 20}", 120);
    String podName = awaitRunningPod(task);
    cluster.killPod(NS, podName);
    Task done = hub.awaitEnd(task, Duration.ofMinutes(4));
    assertThat(done.getState()).as("%s", done.getMessagesList()).isEqualTo(TaskState.SUCCESS);
    assertThat(done.getAttempt()).isEqualTo(2);
    assertThat(done.getHistoryCount()).isEqualTo(2);
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () ->
                kube.pods().inNamespace(NS).withName(podName).get() == null
                    || kube.pods()
                            .inNamespace(NS)
                            .withName(podName)
                            .get()
                            .getStatus()
                            .getContainerStatuses()
                            .get(0)
                            .getRestartCount()
                        > 0);
    summary("sigkill", "tasks 1, lost 0, attempts 2 (the kill's re-queue), %.0f s", seconds(start));
  }

  @Test
  @Order(4)
  void anEvictionRespectsTheFleetsPodDisruptionBudget() {
    long start = System.nanoTime();
    scaleBacklogFleetTo(3);
    List<Pod> pods = readyFleetPods(BACKLOG_FLEET);
    assertThat(pods).hasSizeGreaterThanOrEqualTo(3);
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                kube.policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(NS)
                        .withName(BACKLOG_FLEET)
                        .get()
                        .getStatus()
                        .getDisruptionsAllowed()
                    == 1);
    // The Eviction API itself (what kubectl drain and the cluster autoscaler call), by HTTP code.
    int first = cluster.evict(NS, pods.get(0).getMetadata().getName());
    var budget =
        kube.policy().v1().podDisruptionBudget().inNamespace(NS).withName(BACKLOG_FLEET).get();
    int second = cluster.evict(NS, pods.get(1).getMetadata().getName());
    assertThat(first).as("first eviction allowed").isEqualTo(201);
    assertThat(second)
        .as(
            "second eviction refused while one pod is disrupted; the budget between them: %s;"
                + " pods: %s",
            budget.getStatus(),
            fleetPods(BACKLOG_FLEET).stream()
                .map(
                    p ->
                        p.getMetadata().getName()
                            + (p.getMetadata().getDeletionTimestamp() == null ? "" : " deleting")
                            + (isReady(p) ? " ready" : ""))
                .toList())
        .isEqualTo(429);
    assertThat(
            kube.pods()
                .inNamespace(NS)
                .withName(pods.get(1).getMetadata().getName())
                .get()
                .getMetadata()
                .getDeletionTimestamp())
        .as("the refused pod keeps running")
        .isNull();
    summary(
        "eviction",
        "maxUnavailable 1: eviction 1 allowed, eviction 2 refused (429), %.0f s",
        seconds(start));
  }

  @Test
  @Order(5)
  void scaleInRemovesIdleSinksFirstAndHandsNoTaskBack() {
    long start = System.nanoTime();
    scaleBacklogFleetTo(6);
    List<Task> tasks = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      tasks.add(hub.submit("e2e.work", "{\"n\": \"scale-in-" + n + "\", \"seconds\": 45}", 120));
    }
    Map<String, Integer> held = new HashMap<>();
    for (Task t : tasks) {
      held.merge(awaitRunningPod(t), 1, Integer::sum);
    }
    Set<String> busy = held.keySet();
    // Demand 4 at two per sink: with the minimum back at 0 the operator asks for 2 once the
    // backlog has stayed low for the stabilization window, and the ReplicaSet controller picks.
    setMinReplicas(0);
    // The operator ranks the pods as soon as it holds the scale-down, a whole stabilization window
    // before the ReplicaSet controller sees the smaller count. It ranks from its latest Hub
    // reading,
    // which may be up to a poll interval older than a task's start, so the costs are awaited until
    // they match what each pod runs (CI once read a busy pod's cost from the reading before).
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(deletionCosts())
                    .as("pod-deletion-cost: each pod's running tasks, idle pods 0")
                    .hasSize(6)
                    .allSatisfy(
                        (pod, cost) ->
                            assertThat(cost).isEqualTo(String.valueOf(held.getOrDefault(pod, 0)))));
    // What the ReplicaSet controller ranks by, seen on each poll until it acts: readiness comes
    // before pod-deletion-cost in its order, so a failure says which of the two decided.
    List<String> seen = new ArrayList<>();
    Set<String> survivors =
        await()
            .atMost(Duration.ofMinutes(3))
            .until(
                () -> {
                  List<Pod> pods = fleetPods(BACKLOG_FLEET);
                  seen.add(
                      pods.stream()
                          .map(
                              p ->
                                  p.getMetadata().getName()
                                      + (isReady(p) ? " ready" : " not-ready")
                                      + " cost="
                                      + (p.getMetadata().getAnnotations() == null
                                          ? null
                                          : p.getMetadata()
                                              .getAnnotations()
                                              .get("controller.kubernetes.io/pod-deletion-cost"))
                                      + (p.getMetadata().getDeletionTimestamp() == null
                                          ? ""
                                          : " deleting"))
                          .collect(Collectors.joining(", ")));
                  return pods.stream()
                      .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                      .map(p -> p.getMetadata().getName())
                      .collect(Collectors.toSet());
                },
                s -> s.size() <= 2);
    assertThat(busy)
        .as(
            "the busy pods survive the scale-in; the last polls before it:%n%s",
            String.join("\n", seen.subList(Math.max(0, seen.size() - 4), seen.size())))
        .containsAll(survivors);
    List<Task> ended = awaitAll(tasks, Duration.ofMinutes(3), () -> {});
    assertAllSucceeded(ended);
    int runTwice = runTwice(ended);
    assertThat(runTwice).isZero();
    summary(
        "scale-in",
        "tasks %d, lost 0, run twice %d, 6 pods (%d busy) -> %d, all survivors busy, %.0f s",
        tasks.size(),
        runTwice,
        busy.size(),
        survivors.size(),
        seconds(start));
  }

  @Test
  @Order(6)
  void deletingTheLeadingOperatorPodMidScaleUpHandsTheLeaseOverAndFinishesTheScaleUp() {
    long start = System.nanoTime();
    String leader = leader();
    List<Task> tasks = new ArrayList<>();
    for (int n = 0; n < 40; n++) {
      tasks.add(hub.submit("e2e.work", "{\"n\": " + n + ", \"seconds\": 3}", 120));
    }
    cluster.kubectl(null, "-n", OPERATOR_NS, "delete", "pod", leader, "--wait=false");
    String next =
        await()
            .atMost(Duration.ofMinutes(2))
            .until(this::leader, l -> l != null && !l.equals(leader));
    int[] peak = {0};
    List<Task> ended =
        awaitAll(
            tasks,
            Duration.ofMinutes(6),
            () ->
                peak[0] =
                    Math.max(
                        peak[0],
                        orZero(
                            kube.apps()
                                .deployments()
                                .inNamespace(NS)
                                .withName(BACKLOG_FLEET)
                                .get()
                                .getSpec()
                                .getReplicas())));
    assertAllSucceeded(ended);
    int runTwice = runTwice(ended);
    assertThat(runTwice).isZero();
    assertThat(peak[0]).as("the new leader scaled the fleet up").isGreaterThan(1);
    summary(
        "failover",
        "tasks 40, lost 0, run twice %d, Lease %s -> %s, replicas up to %d, %.0f s",
        runTwice,
        leader,
        next,
        peak[0],
        seconds(start));
  }

  @Test
  @Order(7)
  void rotatingTheClientSecretRollsTheFleetWhileTasksKeepFlowing() throws Exception {
    long start = System.nanoTime();
    scaleBacklogFleetTo(2);
    String before = templateHash(BACKLOG_FLEET);
    List<Task> tasks = new ArrayList<>();
    for (int n = 0; n < 30; n++) {
      tasks.add(hub.submit("e2e.work", "{\"n\": " + n + ", \"seconds\": 2}", 120));
    }
    // docs/install.md, "Rotating a client secret": the Hub accepts both, the fleet rolls, the
    // Hub forgets the old one.
    String oldHash = hubClientSecretHash();
    String newSecret = "rotated-" + Long.toHexString(System.nanoTime());
    String newHash =
        docker.ok("run", "--rm", "localhost/nexomatic-hub:0.1.0", "hash-secret", newSecret);
    setHubClientSecretHashes(List.of(newHash, oldHash));
    awaitHubReloads(1);
    kube.secrets()
        .inNamespace(NS)
        .withName("nexomatic-sink-secrets")
        .edit(
            s -> {
              s.setData(null);
              s.setStringData(Map.of("client-secret", newSecret));
              return s;
            });
    await()
        .atMost(Duration.ofMinutes(4))
        .until(
            () ->
                !templateHash(BACKLOG_FLEET).equals(before)
                    && readyFleetPods(BACKLOG_FLEET).stream()
                        .allMatch(p -> podTemplateHash(p).equals(templateHash(BACKLOG_FLEET)))
                    && readyFleetPods(BACKLOG_FLEET).size() >= 2);
    setHubClientSecretHashes(List.of(newHash));
    awaitHubReloads(2);
    assertThat(hub.acceptsClientSecret(newSecret)).isTrue();
    assertThat(hub.acceptsClientSecret(hub.clientSecret())).as("the old secret").isFalse();
    List<Task> ended = awaitAll(tasks, Duration.ofMinutes(4), () -> {});
    assertAllSucceeded(ended);
    int runTwice = runTwice(ended);
    assertThat(runTwice).isZero();
    // The rolled sinks hold sessions with the new secret alone, and so does the operator's read.
    awaitOnlineSinks(readyFleetPods(BACKLOG_FLEET).size());
    Task after = hub.submit("e2e.work", "{\"n\": \"after\", \"seconds\": 1}", 60);
    assertThat(hub.awaitEnd(after, Duration.ofMinutes(2)).getState()).isEqualTo(TaskState.SUCCESS);
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> !"HubUnreachable".equals(reason(fleet(BACKLOG_FLEET), "ScalingActive")));
    summary(
        "rotation",
        "tasks %d, lost 0, run twice %d, fleet rolled to the new secret, old one refused, %.0f s",
        tasks.size() + 1,
        runTwice,
        seconds(start));
  }

  @Test
  @Order(8)
  void aCpuFleetIsScaledUpByTheHpaThroughMetricsServerAndBackDown() throws Exception {
    long start = System.nanoTime();
    kube.resources(SinkFleet.class).inNamespace(NS).withName(BACKLOG_FLEET).delete();
    await().atMost(Duration.ofMinutes(3)).until(() -> fleetPods(BACKLOG_FLEET).isEmpty());
    cluster.kubectl(
        example("cpu-autoscaling.yaml")
            .replace("registry.example.com/nexomatic/nexomatic-sink-local:0.1.0", SINK_IMAGE)
            // One node of 2 cores: requests small enough for 4 pods, and 4 at most.
            .replace("cpu: 500m ", "cpu: 200m ")
            .replace("maxReplicas: 10", "maxReplicas: 4")
            // and back down within a test's patience rather than the HPA's default 5 minutes.
            .replace(
                "    targetCPUUtilizationPercentage: 70",
                "    targetCPUUtilizationPercentage: 70\n    scaleDownStabilizationSeconds: 30"),
        "apply",
        "-f",
        "-");
    await().atMost(Duration.ofMinutes(3)).until(() -> readyFleetPods(CPU_FLEET).size() >= 2);
    List<Task> tasks = new ArrayList<>();
    for (int n = 0; n < 2; n++) {
      tasks.add(hub.submit("e2e.burn", "{\"seconds\": 90}", 300));
    }
    int up = await().atMost(Duration.ofMinutes(4)).until(() -> hpaReplicas(CPU_FLEET), r -> r > 2);
    List<Task> ended = awaitAll(tasks, Duration.ofMinutes(5), () -> {});
    assertAllSucceeded(ended);
    await().atMost(Duration.ofMinutes(6)).until(() -> hpaReplicas(CPU_FLEET), r -> r == 2);
    summary(
        "cpu-hpa",
        "tasks 2 burning CPU, lost 0, HPA 2 -> %d -> 2 replicas on metrics-server, %.0f s",
        up,
        seconds(start));
  }

  @Test
  @Order(9)
  void aCapacityScheduleKeepsWarmSinksOnTheNodeWhileActiveAndReleasesThemAfter() throws Exception {
    long start = System.nanoTime();
    kube.resources(SinkFleet.class).inNamespace(NS).withName(CPU_FLEET).delete();
    // A window that starts this minute (UTC) and lasts three, from the example's own fleet.
    var now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
    cluster.kubectl(
        example("scheduled-capacity.yaml")
            .replace("registry.example.com/nexomatic/nexomatic-sink-local:0.1.0", SINK_IMAGE)
            .replace("maxReplicas: 10", "maxReplicas: 2\n    scaleDownStabilizationSeconds: 0")
            .replace(
                "cron: \"0 8 * * MON-FRI\"",
                "cron: \"" + now.getMinute() + " " + now.getHour() + " * * *\"")
            .replace(
                "timeZone: Europe/Berlin\n        durationMinutes: 600",
                "timeZone: UTC\n        durationMinutes: 3")
            // The month-end window must not overlap the test's, whatever the date.
            .replace("cron: \"0 20 28-31 * *\"", "cron: \"0 0 31 2 *\"")
            .replace("minReplicas: 3", "minReplicas: 2"),
        "apply",
        "-f",
        "-");
    String fleetName = "python-office-hours";
    await().atMost(Duration.ofMinutes(3)).until(() -> readyFleetPods(fleetName).size() == 2);
    double warmAfter = seconds(start);
    SinkFleet during = fleet(fleetName);
    assertThat(during.getStatus().getActiveSchedule()).isEqualTo("office-hours");
    await().atMost(Duration.ofMinutes(4)).until(() -> fleetPods(fleetName).isEmpty());
    assertThat(fleet(fleetName).getStatus().getActiveSchedule()).isNull();
    var messages =
        kube.v1().events().inNamespace(NS).list().getItems().stream()
            .filter(e -> "CapacitySchedule".equals(e.getReason()))
            .map(e -> e.getMessage())
            .toList();
    assertThat(messages)
        .anyMatch(m -> m.startsWith("capacity schedule office-hours started"))
        .anyMatch(m -> m.startsWith("capacity schedule office-hours ended"));
    kube.resources(SinkFleet.class).inNamespace(NS).withName(fleetName).delete();
    summary(
        "schedule",
        "window of 3 min: 0 -> 2 Ready sinks in %.0f s with no task queued, back to 0 after it,"
            + " Events started/ended, %.0f s",
        warmAfter,
        seconds(start));
  }

  @Test
  @Order(10)
  void anEphemeralFleetRunsFiftyTasksInFiftyFreshPodsNeverMoreThanItsCapAtOnce() throws Exception {
    long start = System.nanoTime();
    kube.resources(SinkFleet.class).inNamespace(NS).withName(CPU_FLEET).delete();
    await().atMost(Duration.ofMinutes(3)).until(() -> fleetPods(CPU_FLEET).isEmpty());
    Set<String> created = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Set<String> active = java.util.concurrent.ConcurrentHashMap.newKeySet();
    int[] mostActive = {0};
    var watch =
        kube.pods()
            .inNamespace(NS)
            .withLabel("sinks.nexomatic.io/ephemeral", "true")
            .watch(
                new io.fabric8.kubernetes.client.Watcher<Pod>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    String name = pod.getMetadata().getName();
                    String phase = pod.getStatus() == null ? "" : pod.getStatus().getPhase();
                    if (action == Action.ADDED) {
                      created.add(name);
                    }
                    if (action == Action.DELETED
                        || "Succeeded".equals(phase)
                        || "Failed".equals(phase)) {
                      active.remove(name);
                    } else {
                      active.add(name);
                    }
                    synchronized (mostActive) {
                      mostActive[0] = Math.max(mostActive[0], active.size());
                    }
                  }

                  @Override
                  public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                });
    try {
      cluster.kubectl(
          example("ephemeral.yaml")
              .replace("registry.example.com/nexomatic/nexomatic-sink-local:0.1.0", SINK_IMAGE)
              .replace("ttlSecondsAfterFinished: 60", "ttlSecondsAfterFinished: 20"),
          "apply",
          "-f",
          "-");
      List<Task> tasks = new ArrayList<>();
      for (int n = 0; n < 50; n++) {
        tasks.add(hub.submit("e2e.fresh", "{\"n\": " + n + "}", 120));
      }
      List<Task> ended = awaitAll(tasks, Duration.ofMinutes(10), () -> {});
      assertAllSucceeded(ended);
      int runTwice = runTwice(ended);
      assertThat(runTwice).isZero();
      Set<String> podsThatRan =
          ended.stream()
              .map(t -> String.join(" ", t.getMessagesList()))
              .map(m -> m.replaceAll(".*pod=(\\S+).*", "$1"))
              .collect(Collectors.toSet());
      long contaminated =
          ended.stream()
              .filter(t -> String.join(" ", t.getMessagesList()).contains("saw-earlier-task=True"))
              .count();
      // Two more polls with nothing queued start no pod beyond the fifty.
      await()
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofMinutes(1))
          .until(() -> created.size() == 50);
      assertThat(podsThatRan).as("one pod per task").hasSize(50);
      assertThat(contaminated).as("tasks that saw another task's file").isZero();
      assertThat(created).as("pods created over the run").hasSize(50);
      assertThat(mostActive[0]).as("pods at once").isLessThanOrEqualTo(5);
      assertThat(kube.apps().deployments().inNamespace(NS).withName("python-ephemeral").get())
          .isNull();
      // Succeeded pods go after their TTL.
      await().atMost(Duration.ofMinutes(2)).until(() -> fleetPods("python-ephemeral").isEmpty());
      summary(
          "ephemeral",
          "tasks 50, lost 0, run twice %d, pods created %d (at most %d at once, cap 5), pods"
              + " that ran two tasks 0, tasks that saw another's file %d, %.0f s",
          runTwice,
          created.size(),
          mostActive[0],
          contaminated,
          seconds(start));
    } finally {
      watch.close();
    }
  }

  @AfterAll
  void tearDown() {
    if (hub != null) {
      hub.close();
    }
    if (kube != null) {
      kube.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  // ------------------------------------------------------------------ helpers --

  private void applyBacklogFleet() throws IOException {
    cluster.kubectl(
        example("backlog-autoscaling.yaml")
            .replace("registry.example.com/nexomatic/nexomatic-sink-local:0.1.0", SINK_IMAGE)
            // A test cannot wait the example's five minutes, nor fit 20 sinks on 2 cores.
            .replace("scaleDownStabilizationSeconds: 300", "scaleDownStabilizationSeconds: 20")
            .replace("maxReplicas: 20", "maxReplicas: 6"),
        "apply",
        "-f",
        "-");
  }

  private void scaleBacklogFleetTo(int replicas) {
    // The fleet's minimum is what a quiet Hub leaves running.
    setMinReplicas(replicas);
    // Settled: no scale-down pending that would change the budget under the test's feet.
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () -> {
              Deployment d =
                  kube.apps().deployments().inNamespace(NS).withName(BACKLOG_FLEET).get();
              return d.getSpec().getReplicas() == replicas
                  && orZero(d.getStatus().getReadyReplicas()) == replicas
                  && fleetPods(BACKLOG_FLEET).size() == replicas
                  && readyFleetPods(BACKLOG_FLEET).size() == replicas;
            });
    awaitOnlineSinks(replicas);
  }

  /** At least {@code count} sinks online and not draining (terminating pods drain a while). */
  private void awaitOnlineSinks(int count) {
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .until(
            () ->
                hub.sinks().stream()
                        .filter(s -> s.getStatus() == io.nexomatic.protocol.v1.SinkStatus.ONLINE)
                        .filter(s -> !s.getDraining())
                        .count()
                    >= count);
  }

  private void setMinReplicas(int replicas) {
    cluster.kubectl(
        null,
        "-n",
        NS,
        "patch",
        "sinkfleet",
        BACKLOG_FLEET,
        "--type=merge",
        "-p",
        "{\"spec\":{\"autoscaling\":{\"minReplicas\":" + replicas + "}}}");
  }

  private String templateHash(String fleet) {
    return kube.apps()
        .deployments()
        .inNamespace(NS)
        .withName(fleet)
        .get()
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .toString();
  }

  private String podTemplateHash(Pod pod) {
    var rs =
        kube.apps()
            .replicaSets()
            .inNamespace(NS)
            .withName(pod.getMetadata().getOwnerReferences().get(0).getName())
            .get();
    return rs == null ? "" : rs.getSpec().getTemplate().getMetadata().getAnnotations().toString();
  }

  private com.fasterxml.jackson.databind.node.ObjectNode hubCredentials() throws IOException {
    var secret = kube.secrets().inNamespace(NS).withName("nexomatic-hub-credentials").get();
    String yaml =
        new String(
            java.util.Base64.getDecoder().decode(secret.getData().get("credentials.yaml")),
            java.nio.charset.StandardCharsets.UTF_8);
    return (com.fasterxml.jackson.databind.node.ObjectNode) Repo.YAML.readTree(yaml);
  }

  private String hubClientSecretHash() throws IOException {
    for (var type : hubCredentials().path("sinkTypes")) {
      if ("LOCAL:BASE".equals(type.path("id").asText())) {
        return type.path("clientSecretHash").asText();
      }
    }
    throw new AssertionError("no LOCAL:BASE in the Hub's credentials");
  }

  private void setHubClientSecretHashes(List<String> hashes) throws IOException {
    var creds = hubCredentials();
    for (var type : creds.path("sinkTypes")) {
      if ("LOCAL:BASE".equals(type.path("id").asText())) {
        var list =
            ((com.fasterxml.jackson.databind.node.ObjectNode) type).putArray("clientSecretHash");
        hashes.forEach(list::add);
      }
    }
    String yaml = Repo.YAML.writeValueAsString(creds);
    kube.secrets()
        .inNamespace(NS)
        .withName("nexomatic-hub-credentials")
        .edit(
            s -> {
              s.setData(null);
              s.setStringData(Map.of("credentials.yaml", yaml));
              return s;
            });
  }

  /**
   * Until the Hub's log shows its {@code count}th credentials reload (kubelet syncs the volume).
   */
  private void awaitHubReloads(int count) {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                cluster
                        .kubectl(null, "-n", NS, "logs", "nexomatic-hub-0")
                        .lines()
                        .filter(l -> l.contains("credentials reloaded"))
                        .count()
                    >= count);
  }

  private static String reason(SinkFleet fleet, String type) {
    if (fleet == null || fleet.getStatus() == null || fleet.getStatus().getConditions() == null) {
      return null;
    }
    return fleet.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .map(c -> c.getReason())
        .findFirst()
        .orElse(null);
  }

  private String example(String name) throws IOException {
    return Files.readString(Repo.EXAMPLES.resolve(name));
  }

  private SinkFleet fleet(String name) {
    return kube.resources(SinkFleet.class).inNamespace(NS).withName(name).get();
  }

  private static String condition(SinkFleet fleet, String type) {
    if (fleet == null || fleet.getStatus() == null || fleet.getStatus().getConditions() == null) {
      return null;
    }
    return fleet.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .map(c -> c.getStatus())
        .findFirst()
        .orElse(null);
  }

  private List<Pod> fleetPods(String fleet) {
    return kube.pods()
        .inNamespace(NS)
        .withLabel("app.kubernetes.io/instance", fleet)
        .list()
        .getItems();
  }

  private List<Pod> readyFleetPods(String fleet) {
    return fleetPods(fleet).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(ClusterE2EIT::isReady)
        .toList();
  }

  private static boolean isReady(Pod pod) {
    return pod != null
        && pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private List<Pod> operatorPods() {
    return kube.pods().inNamespace(OPERATOR_NS).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private String leader() {
    Lease lease = kube.leases().inNamespace(OPERATOR_NS).withName(LEASE).get();
    if (lease == null || lease.getSpec().getHolderIdentity() == null) {
      return null;
    }
    String holder = lease.getSpec().getHolderIdentity();
    return operatorPods().stream()
        .map(p -> p.getMetadata().getName())
        .filter(holder::startsWith)
        .findFirst()
        .orElse(null);
  }

  private int hpaReplicas(String fleet) {
    var hpa =
        kube.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(fleet).get();
    return hpa == null || hpa.getStatus() == null
        ? 0
        : orZero(hpa.getStatus().getDesiredReplicas());
  }

  /** The pod whose sink runs {@code task}, once it runs. */
  private String awaitRunningPod(Task task) {
    Task running =
        await()
            .atMost(Duration.ofMinutes(3))
            .until(() -> hub.get(task), t -> t.getState() == TaskState.RUNNING);
    return podOf(running);
  }

  private String podOf(Task task) {
    return hub.sinks().stream()
        .filter(s -> s.getSinkUuid().equals(task.getSinkUuid()))
        .map(Sink::getPodName)
        .findFirst()
        .orElseThrow();
  }

  /** Waits for every task to end, calling {@code observe} on each poll. */
  private List<Task> awaitAll(Iterable<Task> tasks, Duration timeout, Runnable observe) {
    List<Task> all = new ArrayList<>();
    tasks.forEach(all::add);
    return await()
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              observe.run();
              return all.stream().map(hub::get).toList();
            },
            list ->
                list.stream()
                    .allMatch(
                        t ->
                            t.getState() == TaskState.SUCCESS
                                || t.getState() == TaskState.WARNING
                                || t.getState() == TaskState.ERROR));
  }

  private static void assertAllSucceeded(List<Task> ended) {
    assertThat(ended)
        .allSatisfy(
            t ->
                assertThat(t.getState())
                    .as("%s", t.getMessagesList())
                    .isEqualTo(TaskState.SUCCESS));
  }

  /** Tasks that more than one attempt started to run (a lease handed back unstarted is not). */
  private static int runTwice(List<Task> tasks) {
    return (int)
        tasks.stream()
            .filter(t -> t.getHistoryList().stream().filter(a -> a.getStarted()).count() > 1)
            .count();
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void summary(String scenario, String format, Object... args) {
    System.out.printf("[cluster-e2e] %-11s %s%n", scenario, String.format(format, args));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : files.filter(p -> !p.toString().contains("__pycache__")).toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
