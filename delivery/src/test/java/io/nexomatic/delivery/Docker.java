package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.hub.testing.RequiredTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code docker} CLI against the engine {@code scripts/images.sh} finds or starts (a Docker
 * engine, or podman serving the Docker API), so that the tests run the images exactly as a user's
 * {@code docker run} and {@code docker compose} would.
 */
final class Docker {

  /** What a command printed and how it ended. */
  record Result(int exit, String out, String err) {
    /** Both streams, for messages. */
    String all() {
      return out + err;
    }
  }

  private static final Path SCRIPT = Repo.ROOT.resolve("scripts/images.sh");
  private final String dockerHost;

  private Docker(String dockerHost) {
    this.dockerHost = dockerHost;
  }

  /** The engine, started when needed; skips the calling test, saying why, where none can run. */
  static Docker connect() {
    RequiredTool.require("docker", "the image tests run the images with the docker CLI");
    Result env = exec(Map.of(), Duration.ofMinutes(2), SCRIPT.toString(), "env");
    if (env.exit() != 0) {
      RequiredTool.skip(
          "no container engine can run here: scripts/images.sh env said: " + env.err());
    }
    String host =
        env.out().lines().filter(l -> l.startsWith("DOCKER_HOST=")).findFirst().orElse("");
    return new Docker(host.substring("DOCKER_HOST=".length()).strip());
  }

  /** Each image of {@code scripts/images.sh list} that is not built yet is built (minutes). */
  List<String> ensureImages() {
    List<String> images = script(Duration.ofMinutes(1), "list").out().lines().toList();
    boolean missing = images.stream().anyMatch(i -> !exists(i) && !i.contains("powershell"));
    if (missing) {
      Result build = script(Duration.ofMinutes(45), "build");
      assertThat(build.exit()).as("scripts/images.sh build:%n%s", build.err()).isZero();
    }
    return images;
  }

  boolean exists(String image) {
    return docker(Duration.ofMinutes(1), "image", "inspect", image).exit() == 0;
  }

  /** {@code docker ARGS...}, bounded by {@code timeout}. */
  Result docker(Duration timeout, String... args) {
    var command = new ArrayList<String>();
    command.add("docker");
    command.addAll(List.of(args));
    return exec(env(), timeout, command.toArray(String[]::new));
  }

  /** As {@link #docker}, failing the test unless the command exits 0; returns its stdout. */
  String ok(String... args) {
    Result r = docker(Duration.ofMinutes(3), args);
    assertThat(r.exit()).as("docker %s%n%s", String.join(" ", args), r.all()).isZero();
    return r.out().strip();
  }

  /** Any other program (docker-compose, say) with this engine's DOCKER_HOST. */
  Result program(Duration timeout, Path workDir, String... command) {
    return exec(env(), timeout, workDir, command);
  }

  private Result script(Duration timeout, String command) {
    return exec(env(), timeout, SCRIPT.toString(), command);
  }

  private Map<String, String> env() {
    return dockerHost.isEmpty() ? Map.of() : Map.of("DOCKER_HOST", dockerHost);
  }

  private static Result exec(Map<String, String> env, Duration timeout, String... command) {
    return exec(env, timeout, Repo.ROOT, command);
  }

  private static Result exec(
      Map<String, String> env, Duration timeout, Path workDir, String... command) {
    var withoutBuildKit = new java.util.HashMap<>(env);
    withoutBuildKit.put("DOCKER_BUILDKIT", "0");
    var r = Processes.run(timeout, null, List.of(command), withoutBuildKit, workDir);
    return new Result(r.exit(), r.out(), r.err());
  }
}
