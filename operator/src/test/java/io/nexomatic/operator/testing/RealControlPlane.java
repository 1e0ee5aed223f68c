package io.nexomatic.operator.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.nexomatic.hub.testing.RequiredTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Kubernetes control plane on 127.0.0.1 for the *IT tests: kube-apiserver and etcd through
 * fabric8 kube-api-test (configured through its builder, offline), and, when asked,
 * kube-controller-manager, kube-scheduler and kwok with one fake node, so that Deployments get
 * ReplicaSets, garbage collection runs, and pods become Running and Ready.
 *
 * <p>The binaries come from {@code scripts/k8s-test-binaries.sh}, which builds them from the Go
 * module proxy once per machine and caches them outside the clone; when they are missing this
 * harness runs it (minutes, the first time) so that {@code ./mvnw verify} needs no set-up step.
 */
public final class RealControlPlane implements AutoCloseable {

  public static final String K8S_VERSION = "1.37.2";
  public static final String FAKE_NODE = "kwok-node-0";

  private final Path dir;
  private final Path binaries;
  private final KubeAPIServer apiServer;
  private final Path kubeconfig;
  private final List<Process> processes = new ArrayList<>();

  private RealControlPlane(boolean controllers) throws IOException, InterruptedException {
    binaries = binaries();
    dir = Files.createTempDirectory("nexomatic-control-plane-");
    // kube-api-test writes its certificates into its test dir and finds the binaries under k8s/.
    Files.createSymbolicLink(dir.resolve("k8s"), binaries.resolve("kube-api-test").resolve("k8s"));
    apiServer =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(dir.toString())
                .withApiServerVersion(K8S_VERSION)
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .withStartupTimeout(120_000)
                .withApiServerFlag("--bind-address", "127.0.0.1")
                .withApiServerFlag("--advertise-address", "127.0.0.1")
                // A loopback advertise address is refused unless the endpoint reconciler is off.
                .withApiServerFlag("--endpoint-reconciler-type", "none")
                .build());
    apiServer.start();
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, apiServer.getKubeConfigYaml(), StandardCharsets.UTF_8);
    if (controllers) {
      startControllers();
    }
  }

  /** kube-apiserver and etcd only. */
  public static RealControlPlane apiServerOnly() throws IOException, InterruptedException {
    return new RealControlPlane(false);
  }

  /** The API server plus controllers, scheduler and a kwok fake node. */
  public static RealControlPlane withControllers() throws IOException, InterruptedException {
    return new RealControlPlane(true);
  }

  /** A new client with admin rights. */
  public KubernetesClient client() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml()))
        .build();
  }

  /** The admin kubeconfig file, for kubectl. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The kubectl built with the control plane. */
  public Path kubectl() {
    return binaries.resolve("kubectl");
  }

  private void startControllers() throws IOException {
    String kc = kubeconfig.toString();
    var controllerManager = new ArrayList<>(component("kube-controller-manager"));
    controllerManager.addAll(
        List.of(
            "--cert-dir",
            dir.resolve("kcm-certs").toString(),
            "--use-service-account-credentials=false",
            "--service-account-private-key-file",
            dir.resolve("apiserver.key").toString(),
            "--root-ca-file",
            dir.resolve("apiserver.crt").toString()));
    start("kube-controller-manager", controllerManager.toArray(String[]::new));
    start("kube-scheduler", component("kube-scheduler").toArray(String[]::new));
    start(
        "kwok",
        binaries.resolve("kwok").toString(),
        "--kubeconfig",
        kc,
        "--config",
        binaries.resolve("kwok-stages.yaml").toString(),
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--node-ip",
        "127.0.0.1",
        "--server-address",
        "127.0.0.1:" + freePort());
    try (var client = client()) {
      // No taint, and the label examples/pinned-tenant.yaml selects: every fleet's pods,
      // the examples' included, schedule here unchanged.
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(FAKE_NODE)
                  .withAnnotations(
                      Map.of("kwok.x-k8s.io/node", "fake", "node.alpha.kubernetes.io/ttl", "0"))
                  .withLabels(
                      Map.of(
                          "type",
                          "kwok",
                          "kubernetes.io/hostname",
                          FAKE_NODE,
                          "nexomatic.io/tenant",
                          "acme"))
                  .endMetadata()
                  .withNewStatus()
                  .withAllocatable(
                      Map.of(
                          "cpu", new Quantity("1000"),
                          "memory", new Quantity("4Ti"),
                          "pods", new Quantity("5000")))
                  .withCapacity(
                      Map.of(
                          "cpu", new Quantity("1000"),
                          "memory", new Quantity("4Ti"),
                          "pods", new Quantity("5000")))
                  .endStatus()
                  .build())
          .create();
    }
  }

  /** A control-plane component on 127.0.0.1 talking to the API server as admin, no election. */
  private List<String> component(String name) throws IOException {
    String kc = kubeconfig.toString();
    return List.of(
        binaries.resolve(name).toString(),
        "--kubeconfig",
        kc,
        "--authentication-kubeconfig",
        kc,
        "--authorization-kubeconfig",
        kc,
        "--bind-address",
        "127.0.0.1",
        "--secure-port",
        Integer.toString(freePort()),
        "--leader-elect=false");
  }

  private void start(String name, String... command) throws IOException {
    processes.add(
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile())
            .start());
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The cached binaries, built first when missing. */
  public static Path binaries() {
    Path script = repositoryRoot().resolve("scripts").resolve("k8s-test-binaries.sh");
    try {
      // Only without Go does a missing build matter here: --print-dir below builds it otherwise.
      if (RequiredTool.find("go").isEmpty() && !binariesCached()) {
        RequiredTool.skip(
            "the Kubernetes test binaries are not built on this machine and go (1.26+) is not on"
                + " the PATH to build them: install Go, or run scripts/k8s-test-binaries.sh"
                + " (docs/testing-control-plane.md)");
      }
      Process p =
          new ProcessBuilder(script.toString(), "--print-dir")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0 || out.isEmpty()) {
        throw new IllegalStateException(
            script
                + " --print-dir failed (exit "
                + p.exitValue()
                + "); the Kubernetes test binaries are built with Go from the module proxy:"
                + " see docs/testing-control-plane.md");
      }
      return Path.of(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether the binaries are built and cached on this machine (a quick check, no build). */
  public static boolean binariesCached() throws IOException, InterruptedException {
    Path script = repositoryRoot().resolve("scripts").resolve("k8s-test-binaries.sh");
    if (!Files.isExecutable(script)) {
      return false;
    }
    Process check =
        new ProcessBuilder(script.toString(), "--check")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("scripts")) && Files.isDirectory(p.resolve("crds"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  /** The committed CRD, as the tests install it. */
  public static Path committedCrd() {
    return repositoryRoot().resolve("crds").resolve("sinkfleets.sinks.nexomatic.io-v1.yml");
  }

  /** The repository's examples/ directory. */
  public static Path examples() {
    return repositoryRoot().resolve("examples");
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    apiServer.stop();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // A leftover temp dir is harmless.
    }
  }
}
