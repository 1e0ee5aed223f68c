package io.nexomatic.demo;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.nexomatic.operator.scaling.PodDeletionCosts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays kubelet and ReplicaSet controller for one Deployment, with local processes instead of
 * containers: it reads the Deployment the operator produced and keeps that many sink processes
 * running, each with the container's environment resolved (downward API, Secret references, Secret
 * volumes as files), replaces them when the pod template changes, removes the lowest
 * pod-deletion-cost ones first when the count goes down (SIGTERM: they drain), and reports the
 * Deployment's status as the controller would. Each process also appears as a Pod object, so the
 * operator can rank them before a scale-in.
 */
final class LocalPodRunner implements DemoPods {

  /** One local "pod". */
  record LocalPod(String name, String template, Process process, Path dir) {
    boolean ready() {
      try {
        Path file = dir.resolve("ready");
        FileTime touched = Files.getLastModifiedTime(file);
        return process.isAlive()
            && Duration.between(touched.toInstant(), Instant.now()).toSeconds() < 30;
      } catch (IOException e) {
        return false;
      }
    }
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String deployment;
  private final Path sinkJar;
  private final Path modules;
  private final Path baseDir;
  private final Map<String, LocalPod> running = new LinkedHashMap<>();
  private final List<LocalPod> terminating = new ArrayList<>();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "local-pod-runner");
            t.setDaemon(true);
            return t;
          });
  private volatile int stopped;
  private volatile int started;

  LocalPodRunner(
      KubernetesClient client,
      String namespace,
      String deployment,
      Path sinkJar,
      Path modules,
      Path baseDir) {
    this.client = client;
    this.namespace = namespace;
    this.deployment = deployment;
    this.sinkJar = sinkJar;
    this.modules = modules;
    this.baseDir = baseDir;
  }

  /** The demo's runner: the built sink jar and examples/modules, state under {@code work}. */
  static LocalPodRunner forDemo(
      KubernetesClient kube, String namespace, String fleet, DemoOptions options, Path work) {
    return new LocalPodRunner(
        kube,
        namespace,
        fleet,
        options.root().resolve("sink-runtime/target/nexomatic-sink.jar"),
        options.root().resolve("examples/modules"),
        work);
  }

  @Override
  public void start() {
    loop.scheduleWithFixedDelay(this::syncSafely, 0, 300, TimeUnit.MILLISECONDS);
  }

  /** Sink processes started so far, and stopped so far (drained or killed). */
  @Override
  public int startedCount() {
    return started;
  }

  @Override
  public int stoppedCount() {
    return stopped;
  }

  /** Kills the named pod's process at once (SIGKILL), as a node failure would. */
  @Override
  public synchronized boolean kill(String podName) {
    LocalPod pod = running.get(podName);
    if (pod == null) {
      return false;
    }
    pod.process().destroyForcibly();
    return true;
  }

  private void syncSafely() {
    try {
      sync();
    } catch (RuntimeException e) {
      System.err.println("local pod runner: " + e);
    }
  }

  private synchronized void sync() {
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(deployment).get();
    if (d == null) {
      return;
    }
    PodTemplateSpec template = d.getSpec().getTemplate();
    String hash = Integer.toHexString(Serialization.asJson(template).hashCode());
    int desired = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);

    // Reap: processes that exited (drained, crashed or killed) go, and their Pod objects with them.
    for (var it = running.values().iterator(); it.hasNext(); ) {
      LocalPod pod = it.next();
      if (!pod.process().isAlive()) {
        it.remove();
        stopped++;
        deletePod(pod.name());
      }
    }
    terminating.removeIf(
        pod -> {
          if (pod.process().isAlive()) {
            return false;
          }
          stopped++;
          deletePod(pod.name());
          return true;
        });

    // A new template replaces every pod of the old one (they drain first).
    for (LocalPod pod : List.copyOf(running.values())) {
      if (!pod.template().equals(hash)) {
        terminate(pod);
      }
    }
    while (running.size() < desired) {
      LocalPod pod = launch(d, template, hash);
      running.put(pod.name(), pod);
    }
    if (running.size() > desired) {
      // As the ReplicaSet controller does: lowest controller.kubernetes.io/pod-deletion-cost first.
      Map<String, Integer> costs = new LinkedHashMap<>();
      running.keySet().forEach(name -> costs.put(name, deletionCost(name)));
      running.values().stream()
          .sorted(Comparator.comparingInt(pod -> costs.get(pod.name())))
          .limit(running.size() - desired)
          .toList()
          .forEach(this::terminate);
    }
    reportStatus(d, hash);
  }

  private void terminate(LocalPod pod) {
    running.remove(pod.name());
    terminating.add(pod);
    pod.process().destroy(); // SIGTERM: the sink drains and exits
  }

  private int deletionCost(String podName) {
    Pod p = client.pods().inNamespace(namespace).withName(podName).get();
    String cost =
        p == null || p.getMetadata().getAnnotations() == null
            ? null
            : p.getMetadata().getAnnotations().get(PodDeletionCosts.ANNOTATION);
    try {
      return cost == null ? 0 : Integer.parseInt(cost);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void reportStatus(Deployment d, String hash) {
    int replicas = running.size();
    int ready = (int) running.values().stream().filter(LocalPod::ready).count();
    int updated = (int) running.values().stream().filter(p -> p.template().equals(hash)).count();
    var status = d.getStatus();
    if (status != null
        && Objects.equals(status.getReplicas(), replicas)
        && Objects.equals(status.getReadyReplicas(), ready)
        && Objects.equals(status.getUpdatedReplicas(), updated)
        && Objects.equals(status.getObservedGeneration(), d.getMetadata().getGeneration())) {
      return;
    }
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(deployment)
        .editStatus(
            current -> {
              current.setStatus(
                  new DeploymentStatusBuilder()
                      .withObservedGeneration(current.getMetadata().getGeneration())
                      .withReplicas(replicas)
                      .withUpdatedReplicas(updated)
                      .withReadyReplicas(ready)
                      .withAvailableReplicas(ready)
                      .build());
              return current;
            });
  }

  private LocalPod launch(Deployment d, PodTemplateSpec template, String hash) {
    String name = deployment + "-" + UUID.randomUUID().toString().substring(0, 5);
    Path dir = baseDir.resolve(name);
    try {
      Files.createDirectories(dir);
      Container container = template.getSpec().getContainers().get(0);
      Map<String, Path> mounts = materializeVolumes(template, container, dir);
      var env = new LinkedHashMap<String, String>();
      env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      env.put("HOME", dir.toString());
      for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
        String value = resolve(var, name);
        if (value != null) {
          env.put(var.getName(), remap(value, mounts));
        }
      }
      // The image's built-in settings, pointed at this machine.
      env.put("MODULES_PATH", modules.toString());
      env.put("READINESS_FILE", dir.resolve("ready").toString());
      env.put("LIVENESS_FILE", dir.resolve("alive").toString());
      String java = ProcessHandle.current().info().command().orElse("java");
      var builder =
          new ProcessBuilder(
                  java,
                  "-XX:+UseSerialGC",
                  "-Xmx96m",
                  "-XX:TieredStopAtLevel=1",
                  "-jar",
                  sinkJar.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("sink.log").toFile());
      builder.environment().clear();
      builder.environment().putAll(env);
      Process process = builder.start();
      started++;
      createPod(name, template);
      return new LocalPod(name, hash, process, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start local pod " + name, e);
    }
  }

  /** Secret volumes become files, emptyDirs directories; returns mountPath → local directory. */
  private Map<String, Path> materializeVolumes(
      PodTemplateSpec template, Container container, Path dir) throws IOException {
    var byName = new LinkedHashMap<String, Volume>();
    Optional.ofNullable(template.getSpec().getVolumes())
        .orElse(List.of())
        .forEach(v -> byName.put(v.getName(), v));
    var mounts = new LinkedHashMap<String, Path>();
    for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
      Path local = dir.resolve("volumes").resolve(mount.getName());
      Files.createDirectories(local);
      Volume volume = byName.get(mount.getName());
      if (volume != null && volume.getSecret() != null) {
        Secret secret =
            client
                .secrets()
                .inNamespace(namespace)
                .withName(volume.getSecret().getSecretName())
                .get();
        if (secret != null && secret.getData() != null) {
          for (var entry : secret.getData().entrySet()) {
            Files.write(
                local.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
          }
        }
      }
      mounts.put(mount.getMountPath(), local);
    }
    return mounts;
  }

  private String resolve(EnvVar var, String podName) {
    if (var.getValueFrom() == null) {
      return var.getValue();
    }
    if (var.getValueFrom().getSecretKeyRef() != null) {
      var ref = var.getValueFrom().getSecretKeyRef();
      Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
      String encoded =
          secret == null || secret.getData() == null ? null : secret.getData().get(ref.getKey());
      return encoded == null
          ? null
          : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }
    if (var.getValueFrom().getFieldRef() != null) {
      return switch (var.getValueFrom().getFieldRef().getFieldPath()) {
        case "metadata.name" -> podName;
        case "spec.nodeName" -> "localhost";
        default -> null;
      };
    }
    return null;
  }

  private static String remap(String value, Map<String, Path> mounts) {
    for (var mount : mounts.entrySet()) {
      if (value.equals(mount.getKey()) || value.startsWith(mount.getKey() + "/")) {
        return mount.getValue() + value.substring(mount.getKey().length());
      }
    }
    return value;
  }

  private void createPod(String name, PodTemplateSpec template) {
    client
        .pods()
        .inNamespace(namespace)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(template.getMetadata().getLabels())
                .endMetadata()
                .withSpec(template.getSpec())
                .build())
        .create();
  }

  private void deletePod(String name) {
    client.pods().inNamespace(namespace).withName(name).delete();
  }

  /** SIGTERM to every sink, then waits for their drain (bounded), then SIGKILL. */
  @Override
  public void close() {
    loop.shutdownNow();
    List<LocalPod> all;
    synchronized (this) {
      all = new ArrayList<>(running.values());
      all.addAll(terminating);
      running.clear();
      terminating.clear();
    }
    all.forEach(p -> p.process().destroy());
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    for (LocalPod pod : all) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!pod.process().waitFor(left, TimeUnit.NANOSECONDS)) {
          pod.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        pod.process().destroyForcibly();
      }
    }
  }
}
