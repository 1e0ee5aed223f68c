package io.nexomatic.demo;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real node of {@code scripts/local-cluster.sh} (docs/local-cluster.md), when it is up: its
 * admin kubeconfig, the node's address (where a Hub on this machine is reachable from pods), and
 * the script's {@code load} and {@code kill} commands.
 */
final class LocalNode {

  private final Path script;
  private final Path kubeconfig;
  private final Config config;

  private LocalNode(Path script, Path kubeconfig, Config config) {
    this.script = script;
    this.kubeconfig = kubeconfig;
    this.config = config;
  }

  /** The node, when {@code scripts/local-cluster.sh status} says it is up. */
  static Optional<LocalNode> find(Path root) {
    Path script = root.resolve("scripts/local-cluster.sh");
    if (!Files.isExecutable(script)) {
      return Optional.empty();
    }
    Run status = run(List.of(script.toString(), "status"));
    if (status.exit() != 0) {
      return Optional.empty();
    }
    String kubeconfig =
        status
            .out()
            .lines()
            .filter(l -> l.startsWith("KUBECONFIG="))
            .map(l -> l.substring("KUBECONFIG=".length()))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new IllegalStateException(script + " status printed no KUBECONFIG"));
    try {
      String yaml = Files.readString(Path.of(kubeconfig), StandardCharsets.UTF_8);
      return Optional.of(new LocalNode(script, Path.of(kubeconfig), Config.fromKubeconfig(yaml)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Config config() {
    return config;
  }

  /** The node's admin kubeconfig file. */
  Path kubeconfig() {
    return kubeconfig;
  }

  /** The node's address: the API server's, and the pods' gateway to this machine. */
  String address() {
    return URI.create(config.getMasterUrl()).getHost();
  }

  /** Copies an image from the Docker engine into the node; fails with the script's reason. */
  void load(String image) {
    Run r = run(List.of(script.toString(), "load", image));
    if (r.exit() != 0) {
      throw new IllegalStateException(
          "scripts/local-cluster.sh load "
              + image
              + " failed (build it: scripts/images.sh build):"
              + System.lineSeparator()
              + r.err());
    }
  }

  /** SIGKILLs a pod's containers; whether that worked. */
  boolean kill(String namespace, String pod) {
    return run(List.of(script.toString(), "kill", namespace + "/" + pod)).exit() == 0;
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(List<String> command) {
    try {
      Path out = Files.createTempFile("local-node-out-", ".txt");
      Path err = Files.createTempFile("local-node-err-", ".txt");
      try {
        Process p =
            new ProcessBuilder(new ArrayList<>(command))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          return new Run(-1, "", "timed out: " + String.join(" ", command));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
