package io.nexomatic.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The containers, volumes and files one test class creates, named after one run so that parallel or
 * left-over runs never collide, and all removed by {@link #close()}.
 */
final class Containers implements AutoCloseable {

  final Docker docker;

  /** A scratch directory the containers (uid 10001) may read and write. */
  final Path dir;

  private final String run = Long.toHexString(System.nanoTime());
  private final List<String> images;
  private final List<String> containers = new ArrayList<>();
  private final List<String> volumes = new ArrayList<>();

  Containers(String prefix) throws IOException {
    docker = Docker.connect();
    images = docker.ensureImages();
    dir = Files.createTempDirectory(prefix);
  }

  /** {@code name:tag} of a built image of this repository. */
  String image(String name) {
    return images.stream().filter(i -> i.contains("/" + name + ":")).findFirst().orElseThrow();
  }

  /** This run's name for a container or volume called {@code name}. */
  String name(String name) {
    return "nexomatic-it-" + run + "-" + name;
  }

  String volume(String name) {
    String volume = name(name);
    docker.ok("volume", "create", volume);
    volumes.add(volume);
    return volume;
  }

  /**
   * {@code docker run -d}, hardened as the operator's pod template is: read-only root, a tmpfs at
   * /tmp, uid 10001, no capabilities, no new privileges; on the host network, where the Hub is.
   */
  String start(String name, List<String> options, String image, String... args) {
    String container = name(name);
    var command = new ArrayList<String>();
    command.addAll(
        List.of(
            "run",
            "-d",
            "--name",
            container,
            "--network",
            "host",
            "--read-only",
            "--tmpfs",
            "/tmp:rw,exec,mode=1777",
            "--user",
            "10001:10001",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges"));
    command.addAll(options);
    command.add(image);
    command.addAll(List.of(args));
    docker.ok(command.toArray(String[]::new));
    containers.add(container);
    return container;
  }

  /** What {@code container} printed, for a failure message. */
  String logs(String container) {
    return docker.docker(Duration.ofMinutes(1), "logs", container).all();
  }

  /** Forgets and removes every container whose name contains {@code part}. */
  void remove(String part) {
    for (String c : List.copyOf(containers)) {
      if (c.contains(part)) {
        docker.docker(Duration.ofMinutes(2), "rm", "-f", "-v", c);
        containers.remove(c);
      }
    }
  }

  /** Registers a container made elsewhere (docker run without -d), for removal at the end. */
  void adopt(String container) {
    containers.add(container);
  }

  /** The containers run as uid 10001: the test's files must be theirs to read and write. */
  void openToAll() throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.setPosixFilePermissions(
            f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxrwxrwx" : "rw-rw-rw-"));
      }
    }
  }

  @Override
  public void close() throws IOException {
    for (String c : containers) {
      docker.docker(Duration.ofMinutes(1), "rm", "-f", "-v", c);
    }
    for (String v : volumes) {
      docker.docker(Duration.ofMinutes(1), "volume", "rm", "-f", v);
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
