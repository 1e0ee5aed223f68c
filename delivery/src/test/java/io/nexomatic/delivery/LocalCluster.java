package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.nexomatic.hub.testing.RequiredTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one-node cluster of {@code scripts/local-cluster.sh}: a real kubelet running our images with
 * containerd and runc, CNI bridge networking, kube-proxy, CoreDNS and metrics-server. Started
 * through the same script a user runs; left running when it was already up before the test.
 */
final class LocalCluster implements AutoCloseable {

  private static final Path SCRIPT = Repo.ROOT.resolve("scripts/local-cluster.sh");

  private final Path kubeconfig;
  private final boolean ownsIt;
  private final Docker docker;

  private LocalCluster(Path kubeconfig, boolean ownsIt, Docker docker) {
    this.kubeconfig = kubeconfig;
    this.ownsIt = ownsIt;
    this.docker = docker;
  }

  /**
   * A fresh cluster (about 20 s), or skipped with the script's reason where this machine cannot run
   * a node. One that is already up is restarted first, so every run starts from empty state; it is
   * left up at the end only then.
   */
  static LocalCluster up(Docker docker) {
    boolean wasUp = run(Duration.ofMinutes(1), "status").exit() == 0;
    if (wasUp) {
      System.out.println("[cluster-e2e] restarting the running local cluster for an empty state");
      Processes.Result down = run(Duration.ofMinutes(5), "down");
      assertThat(down.exit()).as("scripts/local-cluster.sh down:%n%s", down.err()).isZero();
    }
    Processes.Result up = run(Duration.ofMinutes(15), "up");
    if (up.exit() == 3) {
      RequiredTool.skip(
          up.err()
              .lines()
              .filter(l -> l.startsWith("cannot run"))
              .findFirst()
              .orElse(up.err().strip()));
    }
    assertThat(up.exit()).as("scripts/local-cluster.sh up:%n%s", up.err()).isZero();
    String line =
        up.out().lines().filter(l -> l.startsWith("KUBECONFIG=")).reduce((a, b) -> b).orElseThrow();
    return new LocalCluster(Path.of(line.substring("KUBECONFIG=".length())), !wasUp, docker);
  }

  /** Copies images from the Docker engine into the node's containerd. */
  void load(String... images) {
    var args = new ArrayList<>(List.of(SCRIPT.toString(), "load"));
    args.addAll(List.of(images));
    Docker.Result r =
        docker.program(Duration.ofMinutes(10), Repo.ROOT, args.toArray(String[]::new));
    assertThat(r.exit()).as("local-cluster.sh load:%n%s", r.all()).isZero();
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  /** A client with the cluster's admin credentials. */
  KubernetesClient client() {
    try {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8)))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code kubectl ARGS...} as admin, with {@code stdin} when not null; fails unless it exits 0.
   */
  String kubectl(String stdin, String... args) {
    var command = new ArrayList<String>();
    command.add(k8sBinary("kubectl").toString());
    command.add("--kubeconfig");
    command.add(kubeconfig.toString());
    command.addAll(List.of(args));
    Processes.Result r = exec(Duration.ofMinutes(3), stdin, command);
    assertThat(r.exit()).as("kubectl %s%n%s", String.join(" ", args), r.err()).isZero();
    return r.out();
  }

  /** SIGKILLs the pod's containers, as the kernel's OOM killer or a crash would. */
  void killPod(String namespace, String pod) {
    Processes.Result r =
        exec(
            Duration.ofMinutes(1), null, List.of(SCRIPT.toString(), "kill", namespace + "/" + pod));
    assertThat(r.exit()).as("local-cluster.sh kill %s/%s:%n%s", namespace, pod, r.err()).isZero();
  }

  /**
   * POSTs an Eviction for the pod, as {@code kubectl drain} does, and returns the HTTP status: 201
   * evicted, 429 refused by a PodDisruptionBudget.
   */
  int evict(String namespace, String pod) {
    Path pki = kubeconfig.getParent().resolve("pki");
    String body =
        "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\""
            + pod
            + "\",\"namespace\":\""
            + namespace
            + "\"}}";
    Processes.Result r =
        exec(
            Duration.ofMinutes(1),
            body,
            List.of(
                RequiredTool.require("curl", "the eviction scenario posts to the Eviction API")
                    .toString(),
                "-sS",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--cacert",
                pki.resolve("ca.crt").toString(),
                "--cert",
                pki.resolve("admin.crt").toString(),
                "--key",
                pki.resolve("admin.key").toString(),
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                "@-",
                apiServer() + "/api/v1/namespaces/" + namespace + "/pods/" + pod + "/eviction"));
    assertThat(r.exit()).as("curl eviction of %s/%s:%n%s", namespace, pod, r.err()).isZero();
    return Integer.parseInt(r.out().strip());
  }

  private String apiServer() {
    try (KubernetesClient c = client()) {
      return c.getMasterUrl().toString().replaceAll("/$", "");
    }
  }

  private static Path k8sBinary(String name) {
    Processes.Result dir =
        exec(
            Duration.ofMinutes(1),
            null,
            List.of(Repo.ROOT.resolve("scripts/k8s-test-binaries.sh").toString(), "--print-dir"));
    return Path.of(dir.out().strip()).resolve(name);
  }

  @Override
  public void close() {
    if (ownsIt) {
      Processes.Result down = run(Duration.ofMinutes(5), "down");
      assertThat(down.exit()).as("scripts/local-cluster.sh down:%n%s", down.err()).isZero();
    }
  }

  private static Processes.Result run(Duration timeout, String command) {
    return exec(timeout, null, List.of(SCRIPT.toString(), command));
  }

  private static Processes.Result exec(Duration timeout, String stdin, List<String> command) {
    return Processes.run(timeout, stdin, command, Map.of());
  }
}
