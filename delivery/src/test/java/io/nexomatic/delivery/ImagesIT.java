package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.nexomatic.operator.children.DeploymentDependent;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.testing.RealControlPlane;
import io.nexomatic.operator.testing.TestFleets;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The images built from the Dockerfiles ({@code scripts/images.sh build}), run the way Kubernetes
 * runs them: read-only root, a tmpfs at /tmp, uid 10001, every capability dropped, no new
 * privileges, Action modules mounted read-only. The Hub is the Hub image, on the host network at
 * 127.0.0.1, with its state in a named volume.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ImagesIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final String MODULES =
      """
      import os, subprocess, sys, time

      def exits(payload, params):
          print("about to exit with", payload["code"])
          sys.exit(payload["code"])

      def tree(payload, params):
          # A grandchild in the task's process group; the timeout must take it down too.
          child = subprocess.Popen(["sleep", "300"])
          print("grandchild", child.pid, flush=True)
          time.sleep(300)

      def orphan(payload, params):
          # The child exits at once; its own child lives on for a second, reparented to PID 1.
          if os.fork() == 0:
              if os.fork() == 0:
                  time.sleep(1)
                  os._exit(0)
              os._exit(0)
          os.wait()
          return "left an orphan"

      def sleepy(payload, params):
          print("working", flush=True)
          time.sleep(payload["seconds"])
          return "slept %s s" % payload["seconds"]

      def fork_bomb(payload, params):
          # Bounded: at most 5000 children, each gone after 20 s, and the task's timeout.
          children = 0
          try:
              for _ in range(5000):
                  if os.fork() == 0:
                      time.sleep(20)
                      os._exit(0)
                  children += 1
          except OSError as e:
              raise RuntimeError("fork refused after %d children: %s" % (children, e))
          return "forked %d children unhindered" % children

      def snoop(payload, params):
          # Looks for the sink's credentials everywhere a task of the same uid could.
          secret = payload["secret"]
          found, denied, jvm = [], [], []
          for pid in [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]:
              try:
                  with open("/proc/%s/cmdline" % pid, "rb") as f:
                      cmdline = f.read()
              except OSError:
                  continue
              if b"nexomatic-sink.jar" in cmdline:
                  jvm.append(pid)
                  if secret.encode() in cmdline:
                      found.append("/proc/%s/cmdline" % pid)
              for name in ("environ", "mem"):
                  path = "/proc/%s/%s" % (pid, name)
                  try:
                      with open(path, "rb") as f:
                          data = f.read(1 << 20) if name == "environ" else b""
                      if secret.encode() in data:
                          with open("/proc/%s/comm" % pid) as f:
                              found.append("%s %s" % (f.read().strip(), path))
                  except OSError:
                      denied.append(path)
          if secret in "".join("%s=%s" % kv for kv in os.environ.items()):
              found.append("own environment")
          for path in ("/var/run/secrets/nexomatic/client-secret", "/run/secrets/client-secret"):
              if os.path.exists(path):
                  found.append(path)
          print("jvm", jvm, "denied", len(denied))
          return {"data": {"found": found, "jvm": jvm, "pid1Denied": "/proc/1/environ" in denied}}
      """;

  private Containers containers;
  private Docker docker;
  private HubContainer hubContainer;
  private HubClient hub;

  @BeforeAll
  void startHub() throws Exception {
    containers = new Containers("nexomatic-images-it-");
    docker = containers.docker;
    Path modules = Files.createDirectories(containers.dir.resolve("modules/imagesit"));
    Files.writeString(modules.resolve("__init__.py"), "");
    Files.writeString(modules.resolve("tasks.py"), MODULES);
    copyTree(Repo.EXAMPLES.resolve("modules/demo"), containers.dir.resolve("modules/demo"));
    copyTree(
        Repo.EXAMPLES.resolve("actions/python/reports"), containers.dir.resolve("modules/reports"));
    containers.openToAll();
    hubContainer = HubContainer.start(containers, TIMEOUT);
    hub = hubContainer.client();
  }

  @AfterAll
  void removeEverything() throws IOException {
    if (hubContainer != null) {
      hubContainer.close();
    }
    if (containers != null) {
      containers.close();
    }
  }

  @Test
  @Order(1)
  void thePythonSinkRunsActionModulesToEveryOutcome() {
    String sink = startSink("outcomes", "-e", "MAX_LOG_BYTES=64KiB", "-e", "KILL_GRACE=2");
    hub.awaitConnectedSinks(1, TIMEOUT);

    Task ok = hub.submit("demo.ok", "{\"n\": 1}", 60);
    Task warn = hub.submit("demo.warn", "{\"n\": 2}", 60);
    Task fail = hub.submit("demo.fail", "{\"n\": 3}", 60);
    Task exits = hub.submit("imagesit.tasks:exits", "{\"code\": 3}", 60);
    Task flood = hub.submit("demo.flood", "{\"n\": 4}", 60);
    Task tree = hub.submit("imagesit.tasks:tree", "{}", 3);

    assertThat(hub.awaitEnd(ok, TIMEOUT).getState()).isEqualTo(TaskState.SUCCESS);
    assertThat(hub.awaitEnd(warn, TIMEOUT).getState()).isEqualTo(TaskState.WARNING);
    Task failed = hub.awaitEnd(fail, TIMEOUT);
    assertThat(failed.getState()).isEqualTo(TaskState.ERROR);
    assertThat(failed.getMessagesList()).anyMatch(m -> m.contains("unknown customer"));
    Task exited = hub.awaitEnd(exits, TIMEOUT);
    assertThat(exited.getState()).isEqualTo(TaskState.ERROR);
    assertThat(exited.getResultCode()).isEqualTo(3);
    Task flooded = hub.awaitEnd(flood, TIMEOUT);
    assertThat(flooded.getState()).isEqualTo(TaskState.SUCCESS);
    // The cap, then the drop marker and the last MAX_LOG_BYTES/4 (docs/sink-configuration.md).
    assertThat(flooded.getLogBytes())
        .as("2 MiB of output, capped")
        .isBetween(65_536L, 65_536L + 16_384 + 200);
    Task killed = hub.awaitEnd(tree, TIMEOUT);
    assertThat(killed.getState()).isEqualTo(TaskState.ERROR);
    assertThat(String.join(" ", killed.getMessagesList())).containsIgnoringCase("timed out");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(processNames(sink))
                    .as("the timed-out task's grandchild is gone with it")
                    .doesNotContain("sleep"));
  }

  @Test
  @Order(2)
  void theSampleActionModuleEndsEachCaseAsItsExpectedOutcomesSay() {
    startSink("samples");
    hub.awaitConnectedSinks(1, TIMEOUT);
    JsonNode outcomes = Repo.json(Repo.EXAMPLES.resolve("actions/python/expected-outcomes.json"));
    for (JsonNode c : outcomes.path("cases")) {
      var params = new java.util.LinkedHashMap<String, String>();
      c.path("params")
          .fields()
          .forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      Task done =
          hub.awaitEnd(
              hub.submit(outcomes.path("module").asText(), c.path("payload").toString(), params),
              TIMEOUT);
      JsonNode expected = c.path("expected");
      assertThat(done.getState().name())
          .as(c.path("name").asText())
          .isEqualTo(expected.path("state").asText());
      assertThat(done.getResultCode()).isEqualTo(expected.path("result_code").asInt());
      var messages = new ArrayList<String>();
      expected.path("messages").forEach(m -> messages.add(m.asText()));
      assertThat(done.getMessagesList())
          .as(c.path("name").asText())
          .containsExactlyElementsOf(messages);
    }
  }

  @Test
  @Order(3)
  void theOperatorsExecProbesPassWhileConnectedAndFailOnceTheHubIsGone() {
    String sink = startSink("probes");
    hub.awaitConnectedSinks(1, TIMEOUT);
    Container rendered =
        DeploymentDependent.build(
                TestFleets.pythonFleet(),
                TestFleets.inputs(TestFleets.pythonFleet(), OptionalInt.of(1), "unused"))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    List<String> readiness = rendered.getReadinessProbe().getExec().getCommand();
    List<String> liveness = rendered.getLivenessProbe().getExec().getCommand();
    await().atMost(TIMEOUT).until(() -> probe(sink, readiness) == 0);
    assertThat(probe(sink, liveness)).isZero();

    docker.ok("stop", "-t", "20", hubContainer.name());
    try {
      // Readiness: the sink removes its file when the session ends, well inside the probe's
      // 30 s window. Liveness stays: a sink waiting for its Hub must not be restarted for it.
      await().atMost(TIMEOUT).until(() -> probe(sink, readiness) != 0);
      assertThat(probe(sink, liveness)).isZero();
    } finally {
      docker.ok("start", hubContainer.name());
    }
    hub.awaitServing(TIMEOUT);
    await().atMost(TIMEOUT).until(() -> probe(sink, readiness) == 0);
  }

  @Test
  @Order(4)
  void dockerStopDrainsTheRunningTaskAndTiniReapsOrphans() {
    String sink = startSink("drain", "-e", "DRAIN_TIMEOUT=40");
    hub.awaitConnectedSinks(1, TIMEOUT);
    assertThat(docker.ok("exec", sink, "cat", "/proc/1/comm")).isEqualTo("tini");

    Task orphan = hub.awaitEnd(hub.submit("imagesit.tasks:orphan", "{}", 60), TIMEOUT);
    assertThat(orphan.getState()).isEqualTo(TaskState.SUCCESS);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> assertThat(zombies(sink)).as("zombie processes in the container").isEmpty());

    Task slow = hub.submit("imagesit.tasks:sleepy", "{\"seconds\": 6}", 120);
    await().atMost(TIMEOUT).until(() -> hub.get(slow).getState() == TaskState.RUNNING);
    docker.ok("stop", "-t", "60", sink);
    assertThat(docker.ok("inspect", "-f", "{{.State.ExitCode}}", sink))
        .as("the sink's exit code after draining")
        .isEqualTo("0");
    Task done = hub.awaitEnd(slow, TIMEOUT);
    assertThat(done.getState()).isEqualTo(TaskState.SUCCESS);
    assertThat(done.getAttempt()).as("recorded once, by its first attempt").isEqualTo(1);
    assertThat(done.getHistoryCount()).isEqualTo(1);
  }

  @Test
  @Order(5)
  void aForkBombIsStoppedByTheProcessLimitAndTheSinkKeepsServing() {
    startSink("forkbomb", "-e", "MAX_TASK_PROCESSES=64", "-e", "KILL_GRACE=2");
    hub.awaitConnectedSinks(1, TIMEOUT);

    Task bomb = hub.awaitEnd(hub.submit("imagesit.tasks:fork_bomb", "{}", 60), TIMEOUT);
    assertThat(bomb.getState()).isEqualTo(TaskState.ERROR);
    assertThat(String.join(" ", bomb.getMessagesList())).contains("fork refused after");

    Task after = hub.awaitEnd(hub.submit("demo.ok", "{\"n\": 5}", 60), TIMEOUT);
    assertThat(after.getState()).as("the sink still serves").isEqualTo(TaskState.SUCCESS);
  }

  @Test
  @Order(6)
  void aTaskFindsNoneOfTheSinksCredentials() {
    startSink("snoop");
    hub.awaitConnectedSinks(1, TIMEOUT);

    // The control: a readable program (coreutils' sleep) started with the container's
    // environment, as anything exec'd into the container is. The task must find the secret there,
    // which shows the search works, and nowhere else.
    docker.ok("exec", "-d", containers.name("sink-snoop"), "sleep", "120");
    await()
        .atMost(TIMEOUT)
        .until(() -> processNames(containers.name("sink-snoop")).contains("sleep"));
    Task snoop =
        hub.awaitEnd(
            hub.submit("imagesit.tasks:snoop", "{\"secret\": \"" + hub.clientSecret() + "\"}", 60),
            TIMEOUT);
    assertThat(snoop.getState()).as(snoop.toString()).isEqualTo(TaskState.SUCCESS);
    var result = Repo.readJson(snoop.getDataJson());
    assertThat(result.path("jvm")).as("the task saw the sink's JVM").isNotEmpty();
    var found = new ArrayList<String>();
    result.path("found").forEach(f -> found.add(f.asText()));
    assertThat(found)
        .as("places the secret was readable: only the readable control process")
        .isNotEmpty()
        .allMatch(f -> f.startsWith("sleep /proc/") && f.endsWith("/environ"));
    assertThat(result.path("pid1Denied").asBoolean()).as("/proc/1/environ closed").isTrue();
  }

  @Test
  @Order(7)
  void theOperatorImageSaysWhyItCannotStartWithoutACluster() {
    // Not --rm: podman's Docker API loses a removed container's exit code (the CLI says 0).
    String name = containers.name("operator");
    containers.adopt(name);
    Docker.Result r =
        docker.docker(
            TIMEOUT,
            "run",
            "--name",
            name,
            "--read-only",
            "--tmpfs",
            "/tmp",
            "--user",
            "10001:10001",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "-e",
            "LEADER_ELECTION=false",
            "-e",
            "KUBERNETES_SERVICE_HOST=127.0.0.1",
            "-e",
            "KUBERNETES_SERVICE_PORT=1",
            image("nexomatic-operator"));
    assertThat(r.exit()).as(r.all()).isEqualTo(1);
    assertThat(r.all()).contains("cannot start");
  }

  @Test
  @Order(8)
  void theOperatorImageReconcilesAFleetGivenAKubeconfig() throws Exception {
    try (var cluster = RealControlPlane.apiServerOnly();
        KubernetesClient admin = cluster.client()) {
      admin.load(Files.newInputStream(RealControlPlane.committedCrd())).serverSideApply();
      await()
          .atMost(TIMEOUT)
          .ignoreExceptions()
          .until(() -> admin.resources(SinkFleet.class).inAnyNamespace().list() != null);
      // A kubeconfig for a container: the certificates the test's one names by path, embedded.
      Path kube = Files.createDirectories(containers.dir.resolve("kube"));
      Files.writeString(kube.resolve("config"), embedded(Files.readString(cluster.kubeconfig())));
      containers.openToAll();
      var options = new ArrayList<String>(List.of("-v", kube + ":/kube:ro"));
      options.addAll(
          List.of(
              "-e",
              "KUBECONFIG=/kube/config",
              "-e",
              "LEADER_ELECTION=false",
              "-e",
              "HTTP_PORT=" + HubClient.freePort()));
      String operator = containers.start("operator-kube", options, image("nexomatic-operator"));

      String ns = "images-it";
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      admin.resource(TestFleets.clientSecret(ns, "the-secret")).create();
      admin.resource(TestFleets.pythonFleet(ns)).create();
      try {
        await()
            .atMost(TIMEOUT)
            .untilAsserted(
                () -> {
                  var fleet =
                      admin.resources(SinkFleet.class).inNamespace(ns).withName("python").get();
                  assertThat(fleet.getStatus()).isNotNull();
                  assertThat(fleet.getStatus().getDesiredReplicas()).isEqualTo(2);
                  assertThat(admin.apps().deployments().inNamespace(ns).withName("python").get())
                      .isNotNull();
                });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "the operator container did not reconcile; its log:\n" + containers.logs(operator), e);
      }
      docker.ok("stop", "-t", "30", operator);
      assertThat(docker.ok("inspect", "-f", "{{.State.ExitCode}}", operator))
          .as("the operator's exit code after SIGTERM")
          .isEqualTo("0");
    }
  }

  /** {@code kubeconfig} with every certificate or key file it names inlined as {@code *-data}. */
  private static String embedded(String kubeconfig) throws IOException {
    var out = new StringBuilder();
    var field =
        java.util.regex.Pattern.compile(
            "^(\\s*)(client-certificate|client-key|certificate-authority): *\"?([^\"]+?)\"?\\s*$");
    for (String line : kubeconfig.split("\n")) {
      var m = field.matcher(line);
      if (m.matches()) {
        byte[] content = Files.readAllBytes(Path.of(m.group(3)));
        out.append(m.group(1))
            .append(m.group(2))
            .append("-data: ")
            .append(java.util.Base64.getEncoder().encodeToString(content));
      } else {
        out.append(line);
      }
      out.append('\n');
    }
    return out.toString();
  }

  @Test
  @Order(9)
  void theHubImageKeepsQueuedAndFinishedTasksAcrossARestart() {
    Task finished = hub.awaitEnd(hub.submit("demo.ok", "{\"n\": 6}", 60), TIMEOUT);
    assertThat(finished.getState()).isEqualTo(TaskState.SUCCESS);
    Task queued = hub.submitForType("LOCAL:PWSH", "Nobody/Serves.ps1");

    docker.ok("restart", "-t", "20", hubContainer.name());
    hub.awaitServing(TIMEOUT);

    assertThat(hub.get(queued).getState()).isEqualTo(TaskState.QUEUED);
    Task again = hub.get(finished);
    assertThat(again.getState()).isEqualTo(TaskState.SUCCESS);
    assertThat(again.getMessagesList()).isEqualTo(finished.getMessagesList());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private String startSink(String name, String... extra) {
    // Only one sink serves at a time, so each test's tasks go to the sink it configured.
    containers.remove("-sink-");
    hub.awaitConnectedSinks(0, TIMEOUT);
    var options = new ArrayList<String>();
    options.addAll(
        List.of(
            "-v",
            containers.dir.resolve("modules") + ":/opt/nexomatic/modules:ro",
            "-e",
            "CONCURRENCY=4"));
    options.addAll(hubContainer.sinkEnv());
    options.addAll(List.of(extra));
    return containers.start("sink-" + name, options, image("nexomatic-sink-local"));
  }

  private String image(String name) {
    return containers.image(name);
  }

  private int probe(String container, List<String> command) {
    var args = new ArrayList<String>(List.of("exec", container));
    args.addAll(command);
    return docker.docker(Duration.ofSeconds(30), args.toArray(String[]::new)).exit();
  }

  private List<String> processNames(String container) {
    return List.of(
        docker.ok("exec", container, "sh", "-c", "cat /proc/[0-9]*/comm 2>/dev/null").split("\n"));
  }

  private List<String> zombies(String container) {
    String states =
        docker.ok(
            "exec",
            container,
            "sh",
            "-c",
            "for s in /proc/[0-9]*/stat; do cat $s 2>/dev/null; echo; done");
    return states.lines().filter(l -> l.matches("\\d+ \\(.*\\) Z .*")).toList();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.toString().contains("__pycache__")) {
          continue;
        }
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
