package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nexomatic.hub.testing.RequiredTool;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * examples/docker-compose as a user runs it: its own compose file and a .env made from its
 * .env.example, against the Hub image; up, scale to three sinks, tasks, and a draining down. The
 * only addition is an override that puts the sinks on the host network, where the test's Hub is.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ComposeIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @Test
  void upScaleSubmitAndADrainingDown() throws Exception {
    Path compose =
        RequiredTool.require(
            "docker-compose",
            "this test runs the compose example (apt-get install docker-compose)");
    try (var containers = new Containers("nexomatic-compose-it-");
        var hubContainer = HubContainer.start(containers, TIMEOUT)) {
      HubClient hub = hubContainer.client();
      Path project = Files.createDirectories(containers.dir.resolve("compose"));
      Path example = Repo.EXAMPLES.resolve("docker-compose");
      Files.copy(example.resolve("docker-compose.yml"), project.resolve("docker-compose.yml"));
      String env =
          Repo.read(example.resolve(".env.example"))
              .replace("SINK_CLIENT_SECRET=<secret>", "SINK_CLIENT_SECRET=" + hub.clientSecret())
              .replace("HUB_HOST=hub.example.com", "HUB_HOST=127.0.0.1")
              .replace("HUB_PORT=50051", "HUB_PORT=" + hubContainer.port())
              .replace("NEXOMATIC_REGISTRY=your-registry", "NEXOMATIC_REGISTRY=localhost");
      Files.writeString(project.resolve(".env"), env);
      Path modules = Files.createDirectories(containers.dir.resolve("modules/compose"));
      Files.writeString(modules.resolve("__init__.py"), "");
      Files.writeString(
          modules.resolve("sleepy.py"),
          "import time\n\ndef run(payload, params):\n    time.sleep(5)\n    return 'slept'\n");
      containers.openToAll();
      // The compose file's own commented-out module mount, and the host network of the test's Hub.
      Files.writeString(
          project.resolve("docker-compose.override.yml"),
          "services:\n  sink-python:\n    network_mode: host\n    volumes:\n      - "
              + containers.dir.resolve("modules")
              + ":/opt/nexomatic/modules:ro\n");
      String projectName = containers.name("compose");
      List<String> base = List.of(compose.toString(), "--project-name", projectName);

      run(containers, project, base, "up", "-d", "sink-python");
      hub.awaitConnectedSinks(1, TIMEOUT);
      run(containers, project, base, "up", "-d", "--scale", "sink-python=3", "sink-python");
      hub.awaitConnectedSinks(3, TIMEOUT);

      // The image ships no modules: a missing module ends ERROR with the reason, quickly.
      var tasks = new ArrayList<Task>();
      for (int i = 0; i < 30; i++) {
        tasks.add(hub.submit("compose.missing", "{}", 30));
      }
      for (Task t : tasks) {
        Task done = hub.awaitEnd(t, TIMEOUT);
        assertThat(done.getState()).isEqualTo(TaskState.ERROR);
        assertThat(String.join(" ", done.getMessagesList())).contains("compose.missing");
      }
      // The compose health check is the pods' readiness check (podman runs health checks only
      // under systemd, so the test runs the check itself, as the engine would).
      String check =
          Repo.yamlDocuments(example.resolve("docker-compose.yml"))
              .get(0)
              .at("/services/sink-python/healthcheck/test/1")
              .asText()
              .replace("$$", "$");
      List<String> sinks =
          containers
              .docker
              .ok("ps", "--filter", "name=" + projectName, "--format", "{{.Names}}")
              .lines()
              .toList();
      assertThat(sinks).hasSize(3);
      for (String sink : sinks) {
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    containers.docker.docker(TIMEOUT, "exec", sink, "sh", "-c", check).exit() == 0);
      }

      // down stops the sinks with SIGTERM: running tasks finish and are recorded once.
      var running = new ArrayList<Task>();
      for (int i = 0; i < 3; i++) {
        running.add(hub.submit("compose.sleepy", "{}", 60));
      }
      for (Task t : running) {
        await().atMost(TIMEOUT).until(() -> hub.get(t).getState() == TaskState.RUNNING);
      }
      Docker.Result down = run(containers, project, base, "down");
      assertThat(down.all()).contains("Stopping").contains("Removing");
      hub.awaitConnectedSinks(0, TIMEOUT);
      for (Task t : running) {
        Task done = hub.get(t);
        assertThat(done.getState()).as(done.toString()).isEqualTo(TaskState.SUCCESS);
        assertThat(done.getHistoryCount()).as("recorded once").isEqualTo(1);
      }
    }
  }

  private static Docker.Result run(
      Containers containers, Path project, List<String> base, String... args) {
    var command = new ArrayList<>(base);
    command.addAll(List.of(args));
    Docker.Result r =
        containers.docker.program(Duration.ofMinutes(5), project, command.toArray(String[]::new));
    assertThat(r.exit()).as("%s%n%s", String.join(" ", command), r.all()).isZero();
    return r;
  }
}
