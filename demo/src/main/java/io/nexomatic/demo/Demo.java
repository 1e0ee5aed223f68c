package io.nexomatic.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.auth.Credentials;
import io.nexomatic.hub.auth.SecretHash;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.operator.hub.GrpcHubQueueSource;
import io.nexomatic.operator.hub.HubChannels;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.protocol.TaskStates;
import io.nexomatic.protocol.v1.HubAdminGrpc;
import io.nexomatic.protocol.v1.ListSinksRequest;
import io.nexomatic.protocol.v1.ListTasksRequest;
import io.nexomatic.protocol.v1.QueueStatsRequest;
import io.nexomatic.protocol.v1.Sink;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The whole system on one machine: a reference Hub on 127.0.0.1, a Kubernetes API server (real when
 * its binaries are built here, else the fabric8 mock) with the CRD, the real operator reconciling
 * the example fleet in Backlog mode, and the fleet's pods run as local sink processes by {@link
 * LocalPodRunner}. It submits a batch of sample tasks, shows the queue, the fleet and the tasks as
 * they move, kills one busy sink mid-task, and checks that every task ended as its module says it
 * must.
 */
final class Demo {

  private static final String SINK_TYPE = "LOCAL:BASE";
  private static final Duration BATCH_DEADLINE = Duration.ofMinutes(6);

  private final DemoOptions options;
  private final PrintStream out;
  private final DemoConsole console;

  Demo(DemoOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.console = new DemoConsole(out);
  }

  /** Runs the demo; 0 when every task reached its expected state. */
  int run() throws Exception {
    long startNanos = System.nanoTime();
    String clientSecret = randomSecret();
    String adminToken = randomSecret();
    var credentials =
        new Credentials(
            Map.of(
                SINK_TYPE,
                new Credentials.SinkTypeCredentials(
                    List.of(SecretHash.of(clientSecret)), List.of())),
            Map.of(),
            SecretHash.of(adminToken));
    var config =
        HubConfig.builder()
            .heartbeatInterval(Duration.ofSeconds(2))
            .leaseTtl(Duration.ofSeconds(10))
            .offerTimeout(Duration.ofSeconds(5))
            .build();
    Path work = Files.createTempDirectory("nexomatic-demo-");
    try (var hubChannels = new HubChannels();
        var cluster =
            DemoCluster.start(
                new GrpcHubQueueSource(hubChannels, Duration.ofSeconds(2)),
                options.api(),
                options.root());
        var hub =
            new HubServer(
                    HubServer.nettyBuilder(cluster.hubHost(), 0),
                    config,
                    credentials,
                    TaskJournal.inMemory())
                .start()) {
      String hubHost = cluster.hubHost();
      ManagedChannel adminChannel =
          NettyChannelBuilder.forAddress(hubHost, hub.port()).usePlaintext().build();
      Metadata bearer = new Metadata();
      bearer.put(ProtocolMetadata.AUTHORIZATION, ProtocolMetadata.BEARER_PREFIX + adminToken);
      var admin =
          HubAdminGrpc.newBlockingStub(adminChannel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer));
      KubernetesClient kube = cluster.client();
      out.printf(
          Locale.ROOT,
          "Hub        %s:%d (Sink Type %s; lease TTL 10 s, heartbeat 2 s)%n",
          hubHost,
          hub.port(),
          SINK_TYPE);
      out.println("Kubernetes " + cluster.description() + "; the operator runs in this process");

      SinkFleet fleet = applyFleet(kube, cluster, hub.port(), clientSecret);
      String ns = fleet.getMetadata().getNamespace();
      String name = fleet.getMetadata().getName();
      var autoscaling = fleet.getSpec().getAutoscaling();
      out.printf(
          Locale.ROOT,
          "Fleet      %s/%s from %s: Backlog, %d-%d sinks, %d tasks per sink, poll %d s,"
              + " scale-down after %d s%n%n",
          ns,
          name,
          options.root().relativize(options.fleet().toAbsolutePath()),
          autoscaling.getMinReplicas(),
          autoscaling.getMaxReplicas(),
          autoscaling.getTasksPerSink(),
          autoscaling.getPollIntervalSeconds(),
          autoscaling.getScaleDownStabilizationSeconds());
      out.print(DemoConsole.kubectlHint(cluster, ns, name));

      try (var runner = cluster.pods(kube, ns, name, options, work)) {
        runner.start();
        var kinds = TaskMix.batch(options.tasks());
        var submitted = new HashMap<String, TaskMix>();
        for (int i = 0; i < kinds.size(); i++) {
          TaskMix kind = kinds.get(i);
          Task t =
              admin.submitTask(
                  SubmitTaskRequest.newBuilder()
                      .setSinkType(SINK_TYPE)
                      .setModule(kind.module)
                      .setPayloadJson("{\"n\": " + i + "}")
                      .setTimeoutSeconds(kind.timeoutSeconds)
                      .setClientRequestId("demo-" + i)
                      .build());
          submitted.put(t.getTaskId(), kind);
        }
        console.submitted(kinds);

        Set<String> seenEvents = new HashSet<>();
        String killed = null;
        long deadline = System.nanoTime() + BATCH_DEADLINE.toNanos();
        Map<String, Task> last = Map.of();
        while (System.nanoTime() < deadline) {
          last = tasks(admin, submitted.keySet());
          long done =
              last.values().stream().filter(t -> TaskStates.isTerminal(t.getState())).count();
          printEvents(kube, ns, seenEvents);
          printLine(admin, kube, ns, name, last, done, submitted.size(), startNanos);
          if (options.chaos() && killed == null && done >= submitted.size() / 4) {
            killed = killOneBusySink(admin, runner);
          }
          if (done == submitted.size()) {
            break;
          }
          TimeUnit.SECONDS.sleep(2);
        }
        printEvents(kube, ns, seenEvents);
        int exit =
            console.summary(submitted, last, killed, seconds(startNanos), runner) == 0 ? 0 : 1;
        if (options.keepRunning()) {
          keepRunning(hubHost, hub.port(), adminToken);
        }
        adminChannel.shutdownNow();
        return exit;
      }
    } finally {
      deleteTree(work);
    }
  }

  private SinkFleet applyFleet(
      KubernetesClient kube, DemoCluster cluster, int hubPort, String clientSecret)
      throws IOException {
    HasMetadata manifest;
    try (InputStream in = Files.newInputStream(options.fleet())) {
      manifest =
          kube.load(in).items().stream()
              .filter(i -> "SinkFleet".equals(i.getKind()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--fleet " + options.fleet() + " holds no SinkFleet"));
    }
    SinkFleet fleet = Serialization.unmarshal(Serialization.asJson(manifest), SinkFleet.class);
    String ns = Optional.ofNullable(fleet.getMetadata().getNamespace()).orElse("default");
    fleet.getMetadata().setNamespace(ns);
    // Local overrides: this machine's Hub, and timings that fit a demo of a few minutes.
    fleet.getSpec().getHub().setHost(cluster.hubHost());
    cluster.sinkImage().ifPresent(fleet.getSpec()::setImage);
    fleet.getSpec().getHub().setPort(hubPort);
    fleet.getSpec().getHub().setTls(null);
    var autoscaling = fleet.getSpec().getAutoscaling();
    if (autoscaling == null || autoscaling.getMode() != AutoscalingMode.BACKLOG) {
      throw new IllegalArgumentException(
          "--fleet " + options.fleet() + ": the demo needs autoscaling.mode Backlog");
    }
    autoscaling.setMaxReplicas(Math.min(4, autoscaling.getMaxReplicas()));
    autoscaling.setPollIntervalSeconds(1);
    autoscaling.setScaleDownStabilizationSeconds(15);
    kube.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    var ref = fleet.getSpec().getAuth().getClientSecretRef();
    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(ref.getName())
                .withNamespace(ns)
                .endMetadata()
                .withStringData(Map.of(ref.getKey(), clientSecret))
                .build())
        .create();
    fleet.getMetadata().setUid(null);
    fleet.getMetadata().setResourceVersion(null);
    return kube.resource(fleet).create();
  }

  private static Map<String, Task> tasks(HubAdminGrpc.HubAdminBlockingStub admin, Set<String> ids) {
    var out = new HashMap<String, Task>();
    String page = "";
    do {
      var response =
          admin.listTasks(
              ListTasksRequest.newBuilder()
                  .setSinkType(SINK_TYPE)
                  .setLimit(1000)
                  .setPageToken(page)
                  .build());
      response.getTasksList().stream()
          .filter(t -> ids.contains(t.getTaskId()))
          .forEach(t -> out.put(t.getTaskId(), t));
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    return out;
  }

  /** One progress line from the Hub's queue statistics and the fleet's status. */
  private void printLine(
      HubAdminGrpc.HubAdminBlockingStub admin,
      KubernetesClient kube,
      String ns,
      String name,
      Map<String, Task> tasks,
      long done,
      int total,
      long startNanos) {
    var stats = admin.getQueueStats(QueueStatsRequest.newBuilder().setSinkType(SINK_TYPE).build());
    SinkFleet fleet = kube.resources(SinkFleet.class).inNamespace(ns).withName(name).get();
    console.progress(seconds(startNanos), done, total, stats, fleet.getStatus(), tasks);
  }

  private void printEvents(KubernetesClient kube, String ns, Set<String> seen) {
    for (Event e : kube.v1().events().inNamespace(ns).list().getItems()) {
      if (seen.add(e.getMetadata().getName())) {
        console.event(e);
      }
    }
  }

  private String killOneBusySink(HubAdminGrpc.HubAdminBlockingStub admin, DemoPods runner) {
    for (Sink sink :
        admin
            .listSinks(ListSinksRequest.newBuilder().setSinkType(SINK_TYPE).build())
            .getSinksList()) {
      if (sink.getBusy() > 0 && runner.kill(sink.getPodName())) {
        console.killed(sink);
        return sink.getPodName();
      }
    }
    return null;
  }

  private void keepRunning(String hubHost, int hubPort, String adminToken)
      throws InterruptedException {
    console.stillRunning(hubHost, hubPort, adminToken, SINK_TYPE);
    Thread.currentThread().join();
  }

  private static long seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1_000_000_000L;
  }

  private static String randomSecret() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // A leftover temp dir is harmless.
    }
  }
}
