package io.nexomatic.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.nexomatic.operator.children.ReplicasHandover;
import io.nexomatic.operator.children.SinkPodTemplate;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.testing.OperatorHarness;
import io.nexomatic.operator.testing.TestFleets;
import io.nexomatic.operator.testing.UserEdits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The operator end to end against a CRUD mock API server. One operator serves the whole class, as
 * in a cluster; each test works in a namespace of its own, so tests cannot see each other's
 * objects, writes or reconciliations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SinkFleetOperatorTest {

  // Generous: awaits return as soon as their condition holds, and this machine may be loaded.
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private OperatorHarness harness;
  private KubernetesClient client;
  private String namespace;

  @BeforeAll
  void startOperator() {
    harness = new OperatorHarness();
    client = harness.client();
  }

  @AfterAll
  void stopOperator() {
    harness.close();
  }

  @BeforeEach
  void useFreshNamespace() {
    namespace = "test-" + NAMESPACES.incrementAndGet();
  }

  private SinkFleet pythonFleet() {
    return TestFleets.pythonFleet(namespace);
  }

  private Secret clientSecret(String value) {
    return TestFleets.clientSecret(namespace, value);
  }

  @Test
  void createsEveryChildOwnedByTheFleetWithoutAFinalizer() {
    client.resource(clientSecret("first")).create();
    var fleet = client.resource(pythonFleet()).create();

    var deployment = awaitChild(Deployment.class, "python");
    var secret = awaitChild(Secret.class, "python-credentials");
    var account = awaitChild(ServiceAccount.class, "python");
    var pdb = awaitChild(PodDisruptionBudget.class, "python");

    for (HasMetadata child : List.of(deployment, secret, account, pdb)) {
      assertThat(child.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(ref -> assertOwnedBy(ref, fleet));
      assertThat(child.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "nexomatic-operator");
    }
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(secret.getData()).containsOnlyKeys("client-secret");
    assertThat(child(HorizontalPodAutoscaler.class, "python")).isEmpty();
    var status = awaitFleet(f -> assertThat(ready(f).getReason()).isEqualTo("RolloutInProgress"));
    assertThat(status.getMetadata().getFinalizers()).isEmpty();
    assertThat(status.getStatus().getDesiredReplicas()).isEqualTo(2);
    assertThat(status.getStatus().getSelector())
        .isEqualTo("app.kubernetes.io/name=nexomatic-sink,app.kubernetes.io/instance=python");
  }

  @Test
  void reportsAvailableOnceTheDeploymentHasRolledOut() {
    client.resource(clientSecret("first")).create();
    client.resource(pythonFleet()).create();
    awaitChild(Deployment.class, "python");

    markDeploymentRolledOut(2);

    awaitFleet(
        f -> {
          assertThat(ready(f).getStatus()).isEqualTo("True");
          assertThat(ready(f).getReason()).isEqualTo("Available");
          assertThat(f.getStatus().getReadyReplicas()).isEqualTo(2);
        });
  }

  @Test
  void changingTheImageRollsOutANewPodTemplate() {
    client.resource(clientSecret("first")).create();
    client.resource(pythonFleet()).create();
    awaitChild(Deployment.class, "python");

    editFleet(f -> f.getSpec().setImage("registry.example.com/nexomatic/sink-python:1.1.0"));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(image(existing(Deployment.class, "python")))
                    .isEqualTo("registry.example.com/nexomatic/sink-python:1.1.0"));
  }

  @Test
  void rotatingTheUsersSecretUpdatesTheCopyAndRollsThePods() {
    client.resource(clientSecret("first")).create();
    client.resource(pythonFleet()).create();
    String before = credentialsHash(awaitChild(Deployment.class, "python"));

    client.resource(clientSecret("second")).update();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(credentialsHash(existing(Deployment.class, "python")))
                  .isNotEqualTo(before);
              assertThat(existing(Secret.class, "python-credentials").getData())
                  .containsEntry("client-secret", TestFleets.base64("second"));
            });
  }

  @Test
  void cpuThenBacklogThenNoneMovesReplicaOwnershipBetweenHpaAndDeployment() {
    client.resource(clientSecret("first")).create();
    client.resource(pythonFleet()).create();
    awaitChild(Deployment.class, "python");

    editFleet(
        f -> {
          f.getSpec().getAutoscaling().setMode(AutoscalingMode.CPU);
          f.getSpec().getAutoscaling().setMinReplicas(2);
          f.getSpec().getAutoscaling().setMaxReplicas(6);
        });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var hpa = existing(HorizontalPodAutoscaler.class, "python");
              assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);
              var deployment = existing(Deployment.class, "python");
              assertThat(ReplicasHandover.appliedBy(deployment, "nexomatic-operator"))
                  .as("the operator no longer applies replicas while the HPA owns them")
                  .isFalse();
              assertThat(deployment.getSpec().getReplicas())
                  .as("handed over at the current count, not reset to the default of 1")
                  .isEqualTo(2);
            });

    // Plays the HPA scaling the Deployment; the operator, woken by the change, must not undo it.
    awaitNoReconciliationFor(Duration.ofSeconds(3));
    int beforeScale = harness.finishedReconciliations(namespace, "python");
    UserEdits.edit(
        client,
        client.apps().deployments().inNamespace(namespace).withName("python"),
        d -> d.getSpec().setReplicas(5));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.finishedReconciliations(namespace, "python") > beforeScale);
    awaitNoReconciliationFor(Duration.ofSeconds(3));
    assertThat(existing(Deployment.class, "python").getSpec().getReplicas())
        .as("the HPA's count survives the operator's reconciliations")
        .isEqualTo(5);

    editFleet(f -> f.getSpec().getAutoscaling().setMode(AutoscalingMode.BACKLOG));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(child(HorizontalPodAutoscaler.class, "python")).isEmpty();
              assertThat(existing(Deployment.class, "python").getSpec().getReplicas())
                  .as("Backlog takes over at the HPA's last count, so no busy sink is cut")
                  .isEqualTo(5);
            });

    editFleet(
        f -> {
          f.getSpec().getAutoscaling().setMode(AutoscalingMode.NONE);
          f.getSpec().setReplicas(4);
        });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(existing(Deployment.class, "python").getSpec().getReplicas())
                    .isEqualTo(4));
  }

  @Test
  void suspendingScalesToZeroAndResumingRestoresTheFleet() {
    client.resource(clientSecret("first")).create();
    client.resource(pythonFleet()).create();
    awaitChild(Deployment.class, "python");

    editFleet(f -> f.getSpec().setSuspend(true));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(existing(Deployment.class, "python").getSpec().getReplicas()).isZero());
    markDeploymentRolledOut(0);
    awaitFleet(f -> assertThat(ready(f).getReason()).isEqualTo("Suspended"));

    editFleet(f -> f.getSpec().setSuspend(false));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(existing(Deployment.class, "python").getSpec().getReplicas())
                    .isEqualTo(2));
  }

  @Test
  void aMissingSecretIsReportedAndTheFleetRecoversWhenItAppears() {
    client.resource(pythonFleet()).create();

    awaitFleet(
        f -> {
          assertThat(ready(f).getReason()).isEqualTo("SecretNotFound");
          assertThat(ready(f).getMessage()).contains("python-sink-secret");
          assertThat(TestFleets.condition(f, "Degraded").getStatus()).isEqualTo("True");
        });
    await().atMost(TIMEOUT).until(() -> eventReasons().contains("SecretNotFound"));
    assertThat(child(Deployment.class, "python")).isEmpty();

    client.resource(clientSecret("late")).create();

    awaitChild(Deployment.class, "python");
    awaitFleet(f -> assertThat(ready(f).getReason()).isEqualTo("RolloutInProgress"));
  }

  @Test
  void aSecretWithoutTheReferencedKeyIsReportedByKeyName() {
    var secret = clientSecret("x");
    secret.setData(java.util.Map.of("other-key", TestFleets.base64("x")));
    client.resource(secret).create();
    client.resource(pythonFleet()).create();

    awaitFleet(
        f -> {
          assertThat(ready(f).getReason()).isEqualTo("SecretKeyMissing");
          assertThat(ready(f).getMessage()).contains("client-secret").contains("other-key");
        });
  }

  @Test
  void anInvalidSpecIsReportedNamingTheFieldAndTouchesNoChild() {
    client.resource(clientSecret("first")).create();
    var fleet = pythonFleet();
    fleet
        .getSpec()
        .setEnv(List.of(new EnvVarBuilder().withName("HUB_HOST").withValue("elsewhere").build()));
    client.resource(fleet).create();

    awaitFleet(
        f -> {
          assertThat(ready(f).getReason()).isEqualTo("InvalidSpec");
          assertThat(ready(f).getMessage()).contains("HUB_HOST");
          assertThat(TestFleets.condition(f, "Stalled").getStatus()).isEqualTo("True");
        });
    await().atMost(TIMEOUT).until(() -> eventReasons().contains("InvalidSpec"));
    assertThat(child(Deployment.class, "python")).isEmpty();
  }

  @Test
  void deletingTheFleetIsNotHeldUpAndLeavesChildrenToGarbageCollection() {
    client.resource(clientSecret("first")).create();
    var fleet = client.resource(pythonFleet()).create();
    var deployment = awaitChild(Deployment.class, "python");

    client.resource(fleet).delete();

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.resources(SinkFleet.class).inNamespace(namespace).withName("python").get()
                    == null);
    assertThat(deployment.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(ref -> assertOwnedBy(ref, fleet));
  }

  @Test
  void aNoOpReconcileIssuesNoWrites() {
    client.resource(clientSecret("first")).create();
    client.resource(pythonFleet()).create();
    awaitChild(Deployment.class, "python");
    markDeploymentRolledOut(2);
    awaitFleet(f -> assertThat(ready(f).getReason()).isEqualTo("Available"));
    await().atMost(TIMEOUT).until(() -> eventReasons().contains("Available"));

    awaitNoReconciliationFor(Duration.ofSeconds(3));
    int reconciliations = harness.finishedReconciliations(namespace, "python");
    int writesBefore = harness.writes(namespace).size();
    // A label on the referenced Secret triggers a reconciliation that must change nothing.
    UserEdits.edit(
        client,
        client.secrets().inNamespace(namespace).withName(TestFleets.CLIENT_SECRET_NAME),
        secret -> secret.getMetadata().setLabels(java.util.Map.of("touched", "yes")));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.finishedReconciliations(namespace, "python") > reconciliations);
    awaitNoReconciliationFor(Duration.ofSeconds(3));

    var writes = harness.writes(namespace);
    assertThat(writes.subList(writesBefore, writes.size()))
        .as("write requests after the no-op reconciliation")
        .allMatch(w -> w.endsWith("/secrets/" + TestFleets.CLIENT_SECRET_NAME))
        .hasSize(1);
  }

  /** Waits until the fleet has gone {@code quiet} without a reconciliation finishing. */
  private void awaitNoReconciliationFor(Duration quiet) {
    int[] last = {-1};
    await()
        .atMost(TIMEOUT)
        .pollDelay(quiet)
        .pollInterval(quiet)
        .until(
            () -> {
              int now = harness.finishedReconciliations(namespace, "python");
              boolean unchanged = now == last[0];
              last[0] = now;
              return unchanged;
            });
  }

  private SinkFleet awaitFleet(Consumer<SinkFleet> assertion) {
    return await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(
            () -> {
              var f =
                  client.resources(SinkFleet.class).inNamespace(namespace).withName("python").get();
              assertion.accept(f);
              return f;
            },
            f -> true);
  }

  private void editFleet(Consumer<SinkFleet> change) {
    UserEdits.edit(
        client,
        client.resources(SinkFleet.class).inNamespace(namespace).withName("python"),
        change);
  }

  /** Plays the Deployment controller: all {@code replicas} pods updated, ready and available. */
  private void markDeploymentRolledOut(int replicas) {
    UserEdits.editStatus(
        client,
        client.apps().deployments().inNamespace(namespace).withName("python"),
        deployment ->
            deployment.setStatus(
                new DeploymentStatusBuilder()
                    .withObservedGeneration(deployment.getMetadata().getGeneration())
                    .withReplicas(replicas)
                    .withUpdatedReplicas(replicas)
                    .withReadyReplicas(replicas)
                    .withAvailableReplicas(replicas)
                    .build()));
  }

  private <T extends HasMetadata> T awaitChild(Class<T> type, String name) {
    return await()
        .atMost(TIMEOUT)
        .until(() -> child(type, name), Optional::isPresent)
        .orElseThrow();
  }

  /** The child, or an AssertionError (which an awaited assertion retries) while it is missing. */
  private <T extends HasMetadata> T existing(Class<T> type, String name) {
    return child(type, name)
        .orElseThrow(
            () -> new AssertionError("no " + type.getSimpleName() + " " + name + " (yet)"));
  }

  private <T extends HasMetadata> Optional<T> child(Class<T> type, String name) {
    return Optional.ofNullable(client.resources(type).inNamespace(namespace).withName(name).get());
  }

  private List<String> eventReasons() {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  private static Condition ready(SinkFleet fleet) {
    return TestFleets.condition(fleet, "Ready");
  }

  private static String image(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static String credentialsHash(Deployment deployment) {
    return deployment
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get(SinkPodTemplate.CREDENTIALS_HASH_ANNOTATION);
  }

  private static void assertOwnedBy(OwnerReference ref, SinkFleet fleet) {
    assertThat(ref.getKind()).isEqualTo("SinkFleet");
    assertThat(ref.getApiVersion()).isEqualTo("sinks.nexomatic.io/v1alpha1");
    assertThat(ref.getName()).isEqualTo("python");
    assertThat(ref.getUid()).isEqualTo(fleet.getMetadata().getUid());
  }
}
