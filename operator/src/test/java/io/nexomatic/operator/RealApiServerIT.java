package io.nexomatic.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.nexomatic.operator.children.FleetLabels;
import io.nexomatic.operator.hub.GrpcHubQueueSource;
import io.nexomatic.operator.hub.HubChannels;
import io.nexomatic.operator.hub.HubQueueView;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.scaling.BacklogAutoscaler;
import io.nexomatic.operator.scaling.PodDeletionCosts;
import io.nexomatic.operator.scaling.SpecReplicaPlanner;
import io.nexomatic.operator.testing.RealControlPlane;
import io.nexomatic.operator.testing.TestFleets;
import io.nexomatic.operator.testing.TestingMetrics;
import io.nexomatic.operator.testing.UserEdits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator against a real control plane: kube-apiserver with etcd, kube-controller-manager
 * (garbage collection, Deployments), kube-scheduler and kwok (pods that become Running and Ready on
 * a fake node). What a mock API server cannot show: schema and CEL validation, server-side apply
 * field ownership, the scale subresource, garbage collection, and real write counts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RealApiServerIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final String EXAMPLES_NS = "nexomatic";
  private static final String OPERATOR_NS = "nexomatic-system";
  private static final String OPERATOR_USER =
      "system:serviceaccount:" + OPERATOR_NS + ":nexomatic-operator";

  private RealControlPlane cluster;
  private KubernetesClient admin;
  private HubChannels hubChannels;
  private TestingMetrics metrics;
  private Operator operator;
  private final List<String> operatorWrites = Collections.synchronizedList(new ArrayList<>());
  private KubernetesClient operatorClient;

  @BeforeAll
  void startClusterAndOperator() throws Exception {
    cluster = RealControlPlane.withControllers();
    admin = cluster.client();
    try (var in = Files.newInputStream(RealControlPlane.committedCrd())) {
      admin.apiextensions().v1().customResourceDefinitions().load(in).serverSideApply();
    }
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              CustomResourceDefinition crd =
                  admin
                      .apiextensions()
                      .v1()
                      .customResourceDefinitions()
                      .withName("sinkfleets.sinks.nexomatic.io")
                      .get();
              return crd.getStatus() != null
                  && crd.getStatus().getConditions() != null
                  && crd.getStatus().getConditions().stream()
                      .anyMatch(
                          c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
            });
    applyOperatorRbac();
    hubChannels = new HubChannels();
    startOperator();
  }

  /**
   * The manifest users apply ({@code operator/src/main/kubernetes/rbac.yaml}); the operator under
   * test acts as its ServiceAccount, so every scenario below also proves those rules suffice.
   */
  private void applyOperatorRbac() throws IOException {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(OPERATOR_NS).endMetadata().build())
        .serverSideApply();
    try (var in = Files.newInputStream(Path.of("src/main/kubernetes/rbac.yaml"))) {
      admin.load(in).serverSideApply();
    }
  }

  @AfterAll
  void stop() {
    if (operator != null) {
      operator.stop();
    }
    if (operatorClient != null) {
      operatorClient.close();
    }
    if (hubChannels != null) {
      hubChannels.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A fresh operator process stand-in whose client records every write it sends. */
  private void startOperator() {
    Config config = Config.fromKubeconfig(readKubeconfig());
    config.setImpersonateUsername(OPERATOR_USER);
    config.setImpersonateGroups(
        "system:serviceaccounts", "system:serviceaccounts:" + OPERATOR_NS, "system:authenticated");
    operatorClient =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientBuilderConsumer(
                b ->
                    b.addOrReplaceInterceptor(
                        "count-writes",
                        new Interceptor() {
                          @Override
                          public void before(
                              BasicBuilder builder, HttpRequest request, RequestTags tags) {
                            if (!"GET".equals(request.method())) {
                              operatorWrites.add(request.method() + " " + request.uri().getPath());
                            }
                          }
                        }))
            .build();
    metrics = new TestingMetrics();
    operator =
        SinkFleetOperator.create(
            operatorClient,
            new OperatorSettings(Set.of(), false, "unused", null, "operator-under-test", 0),
            metrics,
            new SpecReplicaPlanner(),
            new GrpcHubQueueSource(hubChannels, Duration.ofSeconds(2)),
            Clock.systemUTC());
    operator.start();
  }

  private String readKubeconfig() {
    try {
      return Files.readString(cluster.kubeconfig(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ schema and CEL

  static Stream<Arguments> invalidFleets() {
    return Stream.of(
        invalid(
            "EntraId without entraId",
            spec -> spec.put("auth", Map.of("method", "EntraId")),
            "auth.entraId {tenantId, clientId} is required"),
        invalid(
            "ClientSecret without clientSecretRef",
            spec -> spec.put("auth", Map.of("method", "ClientSecret")),
            "auth.clientSecretRef {name, key} is required"),
        invalid(
            "Fixed fallback without replicas",
            spec ->
                spec.put(
                    "autoscaling",
                    Map.of("mode", "Backlog", "fallback", Map.of("policy", "Fixed"))),
            "autoscaling.fallback.replicas is required"),
        invalid(
            "minReplicas above maxReplicas",
            spec -> spec.put("autoscaling", Map.of("minReplicas", 5, "maxReplicas", 2)),
            "autoscaling.minReplicas must not exceed autoscaling.maxReplicas"),
        invalid(
            "Cpu with minReplicas 0",
            spec -> spec.put("autoscaling", Map.of("mode", "Cpu", "minReplicas", 0)),
            "autoscaling.minReplicas must be at least 1 when autoscaling.mode"),
        invalid(
            "tenant.secretRef without uuid",
            spec ->
                spec.put(
                    "tenant", Map.of("secretRef", Map.of("name", "t", "key", "tenant-secret"))),
            "tenant.secretRef needs tenant.uuid"),
        invalid(
            "grace period not above the drain timeout",
            spec -> {
              spec.put("terminationGracePeriodSeconds", 20);
              spec.put("runtime", Map.of("drainTimeoutSeconds", 30));
            },
            "terminationGracePeriodSeconds must be greater than runtime.drainTimeoutSeconds"),
        invalid(
            "unknown autoscaling mode",
            spec -> spec.put("autoscaling", Map.of("mode", "Sometimes")),
            "spec.autoscaling.mode: Unsupported value: \"Sometimes\""),
        invalid(
            "maxReplicas 0",
            spec -> spec.put("autoscaling", Map.of("maxReplicas", 0)),
            "spec.autoscaling.maxReplicas: Invalid value: 0"),
        invalid(
            "capacity schedules outside Backlog mode",
            spec ->
                spec.put(
                    "autoscaling",
                    Map.of(
                        "mode",
                        "Cpu",
                        "schedules",
                        List.of(
                            Map.of("cron", "0 8 * * *", "durationMinutes", 60, "minReplicas", 2)))),
            "autoscaling.schedules apply only when autoscaling.mode is Backlog"),
        invalid(
            "a cron with four fields",
            spec ->
                spec.put(
                    "autoscaling",
                    Map.of(
                        "mode",
                        "Backlog",
                        "schedules",
                        List.of(
                            Map.of("cron", "0 8 * *", "durationMinutes", 60, "minReplicas", 2)))),
            "spec.autoscaling.schedules[0].cron: Invalid value"),
        invalid(
            "a NetworkPolicy for a Hub Service without hubPeers",
            spec -> spec.put("networkPolicy", Map.of("enabled", true)),
            "networkPolicy.hubPeers is required when hub.host is a Service in the cluster"),
        invalid(
            "unknown Ephemeral setting bound",
            spec ->
                spec.put(
                    "autoscaling",
                    Map.of(
                        "mode", "Ephemeral", "ephemeral", Map.of("failedPodsHistoryLimit", 500))),
            "spec.autoscaling.ephemeral.failedPodsHistoryLimit: Invalid value: 500"),
        invalid(
            "poll interval above an hour",
            spec -> spec.put("autoscaling", Map.of("pollIntervalSeconds", 4000)),
            "spec.autoscaling.pollIntervalSeconds: Invalid value: 4000"));
  }

  /** An invalid fleet: its name, how it breaks a valid spec, and what the API server says. */
  private static Arguments invalid(
      String name, Consumer<Map<String, Object>> breakIt, String message) {
    return Arguments.of(name, breakIt, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFleets")
  @Order(1)
  void theApiServerRejectsAnInvalidFleetWithTheRulesMessage(
      String name, Consumer<Map<String, Object>> breakIt, String message) {
    ensureNamespace("invalid");
    var fleet = asGeneric(TestFleets.pythonFleet("invalid"));
    @SuppressWarnings("unchecked")
    var spec = (Map<String, Object>) fleet.getAdditionalProperties().get("spec");
    breakIt.accept(spec);
    assertThatThrownBy(() -> admin.resource(fleet).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(message);
  }

  /** A mutation of a valid spec: the path it changes (for the message check) and the change. */
  private record Mutation(String field, Consumer<Map<String, Object>> apply) {}

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> spec, String key) {
    return (Map<String, Object>) spec.computeIfAbsent(key, k -> new java.util.LinkedHashMap<>());
  }

  private static List<Mutation> mutations(java.util.Random random) {
    Object[] ints = {-1, 0, 1, 2, 5, 100, 1001, 70000, "three"};
    Object[] texts = {"", " ", "x", "has space", "UPPER", "a".repeat(300), "https://hub:1"};
    Object pick = ints[random.nextInt(ints.length)];
    Object text = texts[random.nextInt(texts.length)];
    return List.of(
        new Mutation("replicas", spec -> spec.put("replicas", pick)),
        new Mutation("port", spec -> child(spec, "hub").put("port", pick)),
        new Mutation("host", spec -> child(spec, "hub").put("host", text)),
        new Mutation("sinkType", spec -> spec.put("sinkType", text)),
        new Mutation("image", spec -> spec.put("image", text)),
        new Mutation(
            "mode",
            spec ->
                child(spec, "autoscaling")
                    .put(
                        "mode",
                        List.of("None", "Cpu", "Backlog", "Ephemeral", "Sometimes")
                            .get(random.nextInt(5)))),
        new Mutation("minReplicas", spec -> child(spec, "autoscaling").put("minReplicas", pick)),
        new Mutation("maxReplicas", spec -> child(spec, "autoscaling").put("maxReplicas", pick)),
        new Mutation("tasksPerSink", spec -> child(spec, "autoscaling").put("tasksPerSink", pick)),
        new Mutation("concurrency", spec -> child(spec, "runtime").put("concurrency", pick)),
        new Mutation("prefetch", spec -> child(spec, "runtime").put("prefetch", pick)),
        new Mutation(
            "drainTimeoutSeconds", spec -> child(spec, "runtime").put("drainTimeoutSeconds", pick)),
        new Mutation("uuid", spec -> child(spec, "tenant").put("uuid", text)),
        new Mutation(
            "env",
            spec ->
                spec.put(
                    "env",
                    List.of(
                        Map.of(
                            "name",
                            List.of("OK_VAR", "1BAD", "CLIENT_SECRET", "lower", "")
                                .get(random.nextInt(5)),
                            "value",
                            "v")))),
        new Mutation(
            "terminationGracePeriodSeconds",
            spec -> spec.put("terminationGracePeriodSeconds", pick)),
        new Mutation("suspend", spec -> spec.put("suspend", random.nextBoolean())));
  }

  @Test
  @Order(8)
  void randomSpecsAreEitherRefusedNamingAFieldOrReconciledWithoutAnError() {
    long seed = Long.getLong("fuzz.seed", 20261202L);
    var random = new java.util.Random(seed);
    String ns = "fuzz";
    ensureNamespace(ns);
    admin.resource(TestFleets.clientSecret(ns, "fuzz-s3cret")).serverSideApply();
    int refused = 0;
    List<String> admitted = new ArrayList<>();
    Map<String, List<String>> changed = new java.util.HashMap<>();
    for (int n = 0; n < 120; n++) {
      var fleet = asGeneric(TestFleets.pythonFleet(ns));
      String name = "fuzz-" + n;
      fleet.getMetadata().setName(name);
      @SuppressWarnings("unchecked")
      var spec = (Map<String, Object>) fleet.getAdditionalProperties().get("spec");
      var all = new ArrayList<>(mutations(random));
      Collections.shuffle(all, random);
      var applied = all.subList(0, 1 + random.nextInt(3));
      applied.forEach(m -> m.apply().accept(spec));
      var fields = applied.stream().map(Mutation::field).toList();
      String replay = name + " (seed " + seed + ") changing " + fields + ": " + spec;
      try {
        admin.resource(fleet).create();
        admitted.add(name);
        changed.put(name, fields);
      } catch (KubernetesClientException e) {
        refused++;
        assertThat(e.getCode()).as(replay).isEqualTo(422);
        assertThat(fields.stream().anyMatch(f -> e.getMessage().contains(f)))
            .as("%s: the rejection names a changed field: %s", replay, e.getMessage())
            .isTrue();
      }
    }
    for (String name : admitted) {
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                SinkFleet f = fleet(ns, name);
                assertThat(f.getStatus()).as(name + " has a status").isNotNull();
                assertThat(f.getStatus().getObservedGeneration())
                    .as(name + " observed")
                    .isEqualTo(f.getMetadata().getGeneration());
              });
      assertThat(metrics.failures(ns, name))
          .as("%s (changing %s): no reconcile threw", name, changed.get(name))
          .isEmpty();
      var invalid = TestFleets.condition(fleet(ns, name), "Ready");
      if (invalid != null && "InvalidSpec".equals(invalid.getReason())) {
        assertThat(changed.get(name).stream().anyMatch(f -> invalid.getMessage().contains(f)))
            .as("%s: InvalidSpec names a changed field: %s", name, invalid.getMessage())
            .isTrue();
      }
    }
    System.out.printf(
        "[admission-fuzz] 120 random specs (seed %d): %d refused by the API server naming a"
            + " field, %d admitted and reconciled without an error%n",
        seed, refused, admitted.size());
  }

  // ------------------------------------------------------------------ examples

  @Test
  @Order(2)
  void everyExampleAppliesWithServerSideApplyAndBecomesReady() throws IOException {
    ensureNamespace(EXAMPLES_NS);
    admin
        .resource(
            secret(
                EXAMPLES_NS,
                "nexomatic-sink-secrets",
                Map.of("client-secret", "s3cret", "pwsh-client-secret", "s3cret-too")))
        .serverSideApply();
    admin
        .resource(secret(EXAMPLES_NS, "acme-tenant", Map.of("tenant-secret", "tenant-s3cret")))
        .serverSideApply();
    var names = new ArrayList<String>();
    try (Stream<Path> files = Files.list(RealControlPlane.examples())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (HasMetadata item : admin.load(Files.newInputStream(file)).items()) {
          // examples/reference-hub.yaml is the Hub itself (ClusterE2EIT runs it on a real node).
          if (!"SinkFleet".equals(item.getKind())) {
            continue;
          }
          admin.resource(item).fieldManager("kubectl").forceConflicts().serverSideApply();
          names.add(item.getMetadata().getName());
        }
      }
    }
    assertThat(names).hasSizeGreaterThanOrEqualTo(8);
    for (String name : names) {
      if ("python-ephemeral".equals(name)) {
        continue;
      }
      awaitReady(EXAMPLES_NS, name);
    }
    // No Hub runs in this test: an Ephemeral fleet cannot start a pod for work it cannot see,
    // and says so, while its NetworkPolicy is in place and no Deployment exists.
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        TestFleets.condition(fleet(EXAMPLES_NS, "python-ephemeral"), "Ready")
                            .getReason())
                    .isEqualTo("HubUnreachable"));
    assertThat(deployment(EXAMPLES_NS, "python-ephemeral")).isNull();
    var policy =
        admin
            .network()
            .v1()
            .networkPolicies()
            .inNamespace(EXAMPLES_NS)
            .withName("python-ephemeral")
            .get();
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(policy.getMetadata().getOwnerReferences()).hasSize(1);
  }

  @Test
  @Order(3)
  void noSecretValueAppearsInEventsStatusOrWorkloads() {
    // Everything the operator writes that is not a Secret, serialized, searched for the values.
    var written = new StringBuilder();
    admin
        .v1()
        .events()
        .inAnyNamespace()
        .list()
        .getItems()
        .forEach(e -> written.append(Serialization.asJson(e)));
    admin
        .resources(SinkFleet.class)
        .inAnyNamespace()
        .list()
        .getItems()
        .forEach(f -> written.append(Serialization.asJson(f)));
    admin
        .apps()
        .deployments()
        .inAnyNamespace()
        .list()
        .getItems()
        .forEach(d -> written.append(Serialization.asJson(d)));
    admin
        .serviceAccounts()
        .inAnyNamespace()
        .list()
        .getItems()
        .forEach(a -> written.append(Serialization.asJson(a)));
    admin
        .pods()
        .inAnyNamespace()
        .list()
        .getItems()
        .forEach(p -> written.append(Serialization.asJson(p)));
    assertThat(written.length()).isGreaterThan(10_000);
    for (String secret : List.of("s3cret", "tenant-s3cret")) {
      assertThat(written.toString()).as("a secret value outside Secrets").doesNotContain(secret);
      assertThat(written.toString())
          .doesNotContain(
              java.util.Base64.getEncoder()
                  .encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  @Order(3)
  void aShrinkingFleetRanksItsPodsWithTheOperatorsOwnRbac() {
    String ns = "ranking";
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    SinkFleet fleet = TestFleets.pythonFleet(ns);
    // Pod admission needs the namespace's default ServiceAccount, which a controller creates.
    await()
        .atMost(TIMEOUT)
        .until(() -> admin.serviceAccounts().inNamespace(ns).withName("default").get() != null);
    for (String name : List.of("busy", "idle", "unknown")) {
      admin
          .pods()
          .inNamespace(ns)
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withLabels(FleetLabels.selector(fleet))
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("sink")
                  .withImage("localhost/nexomatic-sink-local:0.1.0")
                  .endContainer()
                  .endSpec()
                  .build())
          .create();
    }
    var view = new HubQueueView(0, 2, 2, 1, Map.of("busy", 2, "idle", 0));

    // A refused request only logs a warning in the operator, so the annotations are the proof.
    PodDeletionCosts.rank(operatorClient, fleet, view);

    Map<String, String> costs = new TreeMap<>();
    for (var pod : admin.pods().inNamespace(ns).list().getItems()) {
      var annotations = pod.getMetadata().getAnnotations();
      costs.put(
          pod.getMetadata().getName(),
          annotations == null ? null : annotations.get(PodDeletionCosts.ANNOTATION));
    }
    assertThat(costs)
        .as("pod-deletion-cost written as " + OPERATOR_USER + " under rbac.yaml")
        .containsExactlyInAnyOrderEntriesOf(Map.of("busy", "2", "idle", "0", "unknown", "-1"));
  }

  @Test
  @Order(3)
  void kubectlScaleGoesThroughTheScaleSubresource() throws Exception {
    var out =
        run(
            cluster.kubectl().toString(),
            "--kubeconfig",
            cluster.kubeconfig().toString(),
            "scale",
            "sf/python",
            "-n",
            EXAMPLES_NS,
            "--replicas=3");
    assertThat(out).contains("scaled");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(deployment(EXAMPLES_NS, "python").getSpec().getReplicas()).isEqualTo(3));
    awaitReady(EXAMPLES_NS, "python");
    assertThat(fleet(EXAMPLES_NS, "python").getStatus().getReplicas()).isEqualTo(3);
  }

  @Test
  @Order(4)
  void withAnHpaOnlyOneManagerOwnsReplicasAndReconcilesWriteNothing() {
    var deployment = deployment(EXAMPLES_NS, "python-cpu");
    var owners =
        deployment.getMetadata().getManagedFields().stream()
            .filter(RealApiServerIT::ownsReplicas)
            .map(ManagedFieldsEntry::getManager)
            .toList();
    assertThat(owners)
        .as("managers of spec.replicas")
        .hasSize(1)
        .doesNotContain("nexomatic-operator");
    assertThat(
            admin
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(EXAMPLES_NS)
                .withName("python-cpu")
                .get())
        .isNotNull();

    int before = operatorWrites.size();
    int reconciled = metrics.finishedReconciliations(EXAMPLES_NS, "python-cpu");
    // A label on the referenced Secret wakes every example fleet; none of them has anything to do.
    UserEdits.edit(
        admin,
        admin.secrets().inNamespace(EXAMPLES_NS).withName("nexomatic-sink-secrets"),
        s -> s.getMetadata().setLabels(Map.of("touched", "yes")));
    await()
        .atMost(TIMEOUT)
        .until(() -> metrics.finishedReconciliations(EXAMPLES_NS, "python-cpu") > reconciled);
    assertThat(writesSince(before).stream().filter(w -> !w.contains("python-backlog")))
        .as("writes of the operator after a no-op reconcile (the Backlog fleet polls its Hub)")
        .isEmpty();
  }

  @Test
  @Order(5)
  void deletingAFleetLetsTheGarbageCollectorRemoveEveryChild() {
    ensureNamespace("gc");
    admin.resource(TestFleets.clientSecret("gc", "s3cret")).create();
    admin.resource(TestFleets.pythonFleet("gc")).create();
    awaitReady("gc", "python");
    admin.resources(SinkFleet.class).inNamespace("gc").withName("python").delete();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(admin.apps().deployments().inNamespace("gc").list().getItems()).isEmpty();
              assertThat(
                      admin
                          .resources(PodDisruptionBudget.class)
                          .inNamespace("gc")
                          .list()
                          .getItems())
                  .isEmpty();
              assertThat(
                      admin
                          .resources(ServiceAccount.class)
                          .inNamespace("gc")
                          .withName("python")
                          .get())
                  .isNull();
              assertThat(admin.secrets().inNamespace("gc").withName("python-credentials").get())
                  .isNull();
              assertThat(admin.pods().inNamespace("gc").list().getItems()).isEmpty();
            });
    assertThat(admin.secrets().inNamespace("gc").withName(TestFleets.CLIENT_SECRET_NAME).get())
        .as("the user's own Secret stays")
        .isNotNull();
  }

  @Test
  @Order(6)
  void aRestartedOperatorWritesNothingForUnchangedFleets() {
    var fleets =
        admin.resources(SinkFleet.class).inAnyNamespace().list().getItems().stream()
            .filter(f -> !BacklogAutoscaler.applies(f))
            .toList();
    operator.stop();
    operatorClient.close();
    operatorWrites.clear();

    startOperator();
    for (var f : fleets) {
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  metrics.finishedReconciliations(
                          f.getMetadata().getNamespace(), f.getMetadata().getName())
                      > 0);
    }
    assertThat(operatorWrites.stream().filter(w -> !w.contains("python-backlog")))
        .as("writes after a restart, Backlog fleet aside")
        .isEmpty();
  }

  @Test
  @Order(7)
  void twoHundredFleetsBecomeReadyAndTheCostIsReported() {
    ensureNamespace("many");
    admin.resource(TestFleets.clientSecret("many", "s3cret")).create();
    int before = operatorWrites.size();
    long start = System.nanoTime();
    int count = Integer.getInteger("nexomatic.it.fleets", 200);
    for (int i = 0; i < count; i++) {
      var fleet = TestFleets.pythonFleet("many");
      fleet.getMetadata().setName("fleet-" + i);
      fleet.getSpec().setReplicas(1);
      admin.resource(fleet).create();
    }
    await()
        .atMost(Duration.ofMinutes(8))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                admin.resources(SinkFleet.class).inNamespace("many").list().getItems().stream()
                        .filter(TestFleets::isReady)
                        .count()
                    == count);
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    int writes = operatorWrites.size() - before;
    System.out.printf(
        "%d fleets Ready in %d s; the operator sent %d write requests (%.1f per fleet)%n",
        count, seconds, writes, writes / (double) count);
    assertThat(writes).as("children, status and events per fleet").isLessThan(count * 20);
  }

  // ------------------------------------------------------------------ helpers

  private List<String> writesSince(int index) {
    synchronized (operatorWrites) {
      return List.copyOf(operatorWrites.subList(index, operatorWrites.size()));
    }
  }

  private static boolean ownsReplicas(ManagedFieldsEntry entry) {
    if (entry.getFieldsV1() == null) {
      return false;
    }
    Object spec = entry.getFieldsV1().getAdditionalProperties().get("f:spec");
    return spec instanceof Map<?, ?> m && m.containsKey("f:replicas");
  }

  private void awaitReady(String namespace, String name) {
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(TestFleets.isReady(fleet(namespace, name)))
                    .as(
                        namespace
                            + "/"
                            + name
                            + " Ready, status "
                            + fleet(namespace, name).getStatus())
                    .isTrue());
  }

  private SinkFleet fleet(String namespace, String name) {
    return admin.resources(SinkFleet.class).inNamespace(namespace).withName(name).get();
  }

  private Deployment deployment(String namespace, String name) {
    return admin.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  private void ensureNamespace(String name) {
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
  }

  private static Secret secret(String namespace, String name, Map<String, String> data) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withStringData(data)
        .build();
  }

  private static GenericKubernetesResource asGeneric(SinkFleet fleet) {
    fleet.getMetadata().setUid(null);
    fleet.getMetadata().setGeneration(null);
    return Serialization.unmarshal(Serialization.asJson(fleet), GenericKubernetesResource.class);
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
    return out;
  }
}
