package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.nexomatic.operator.OperatorSettings;
import io.nexomatic.operator.SinkFleetOperator;
import io.nexomatic.operator.hub.GrpcHubQueueSource;
import io.nexomatic.operator.hub.HubChannels;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.scaling.SpecReplicaPlanner;
import io.nexomatic.operator.testing.RealControlPlane;
import io.nexomatic.operator.testing.TestingMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code helm upgrade} upgrades the SinkFleet CRD. A release of an older chart, whose CRD lacks
 * {@code spec.networkPolicy} (added later), runs three fleets on a real control plane; the old CRD
 * prunes the field. After {@code helm upgrade} to this chart the field is served and kept, no fleet
 * lost its spec, no sink pod was replaced, and {@code helm uninstall} leaves the CRD and the
 * fleets.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ChartCrdUpgradeIT {
  private static final String RELEASE = "nexomatic";
  private static final String OPERATOR_NS = "nexomatic-system";
  private static final String FLEET_NS = "nexomatic";
  private static final String CRD = "sinkfleets.sinks.nexomatic.io";
  private static final List<String> FLEETS = List.of("alpha", "beta", "gamma");
  private static final String NETWORK_POLICY =
      "{\"spec\":{\"networkPolicy\":{\"enabled\":true,"
          + "\"hubPeers\":[{\"ipBlock\":{\"cidr\":\"10.0.0.10/32\"}}]}}}";

  @TempDir Path work;

  @Test
  void anUpgradeServesTheNewFieldKeepsEveryFleetAndReplacesNoSinkPod() throws Exception {
    Path oldChart = olderChartWithoutNetworkPolicy();
    try (var cluster = RealControlPlane.withControllers();
        KubernetesClient kube = cluster.client();
        var hubChannels = new HubChannels()) {
      helm(oldChart, cluster.kubeconfig(), true);
      assertThat(servedSpecFields(kube)).doesNotContain("networkPolicy");

      Operator operator =
          SinkFleetOperator.create(
              kube,
              OperatorSettings.fromEnvironment(Map.of("LEADER_ELECTION", "false")),
              new TestingMetrics(),
              new SpecReplicaPlanner(),
              new GrpcHubQueueSource(hubChannels, Duration.ofSeconds(2)),
              Clock.systemUTC());
      operator.start();
      try {
        createFleets(kube);
        Map<String, List<String>> podsBefore = awaitSinkPods(kube);
        Map<String, Object> specsBefore = specs(kube);

        patchNetworkPolicy(kube, "alpha");
        assertThat(spec(kube, "alpha").has("networkPolicy"))
            .as("the old CRD prunes a field it does not know")
            .isFalse();

        helm(Repo.CHART, cluster.kubeconfig(), false);

        assertThat(servedSpecFields(kube)).contains("networkPolicy");
        assertThat(
                kube.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName(CRD)
                    .get()
                    .getMetadata()
                    .getLabels())
            .containsEntry("helm.sh/chart", "nexomatic-sink-operator-" + chartVersion(Repo.CHART));
        patchNetworkPolicy(kube, "alpha");
        assertThat(spec(kube, "alpha").at("/networkPolicy/enabled").asBoolean())
            .as("the upgraded CRD serves and keeps spec.networkPolicy")
            .isTrue();
        // Every field a fleet had is kept as it was; the new field reads back with its default.
        Map<String, Object> specsAfter = specs(kube);
        for (var before : specsBefore.entrySet()) {
          JsonNode was = Repo.JSON.valueToTree(before.getValue());
          JsonNode is = Repo.JSON.valueToTree(specsAfter.get(before.getKey()));
          was.fieldNames()
              .forEachRemaining(
                  field ->
                      assertThat(is.get(field))
                          .as("%s spec.%s after the upgrade", before.getKey(), field)
                          .isEqualTo(was.get(field)));
          assertThat(is.at("/networkPolicy/enabled").asBoolean(true))
              .as("%s spec.networkPolicy takes the new schema's default", before.getKey())
              .isFalse();
        }
        // The upgrade touches no fleet, so the operator has nothing to roll.
        assertThat(awaitSinkPods(kube)).as("no sink pod was replaced").isEqualTo(podsBefore);
      } finally {
        operator.stop();
      }

      Helm.uninstall(RELEASE)
          .withNamespace(OPERATOR_NS)
          .withKubeConfig(cluster.kubeconfig())
          .call();
      assertThat(kube.apiextensions().v1().customResourceDefinitions().withName(CRD).get())
          .as("helm uninstall keeps the CRD (helm.sh/resource-policy: keep)")
          .isNotNull();
      assertThat(kube.resources(SinkFleet.class).inNamespace(FLEET_NS).list().getItems())
          .hasSize(FLEETS.size());
    }
  }

  /** This chart as version 0.0.1, with the CRD as it was before spec.networkPolicy existed. */
  private Path olderChartWithoutNetworkPolicy() throws IOException {
    Path chart = work.resolve("nexomatic-sink-operator-old");
    try (Stream<Path> files = Files.walk(Repo.CHART)) {
      for (Path from : files.toList()) {
        Path to = chart.resolve(Repo.CHART.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    Path chartYaml = chart.resolve("Chart.yaml");
    Files.writeString(
        chartYaml, Files.readString(chartYaml).replaceFirst("(?m)^version: .*$", "version: 0.0.1"));
    Path crdFile = chart.resolve("files/crds/sinkfleets.sinks.nexomatic.io-v1.yml");
    ObjectNode crd = (ObjectNode) Repo.yamlDocuments(crdFile).get(0);
    ObjectNode schema =
        (ObjectNode) crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    ((ObjectNode) schema.get("properties")).remove("networkPolicy");
    // Rules about the field went with it (CEL refuses a rule that names an unknown field).
    ArrayNode rules = (ArrayNode) schema.get("x-kubernetes-validations");
    for (Iterator<JsonNode> it = rules.elements(); it.hasNext(); ) {
      if (it.next().path("rule").asText().contains("networkPolicy")) {
        it.remove();
      }
    }
    Files.writeString(crdFile, Repo.YAML.writeValueAsString(crd));
    return chart;
  }

  private static void helm(Path chart, Path kubeconfig, boolean install) {
    if (install) {
      new Helm(chart)
          .install()
          .withName(RELEASE)
          .withNamespace(OPERATOR_NS)
          .createNamespace()
          .withKubeConfig(kubeconfig)
          .waitReady()
          .withTimeout(300)
          .call();
    } else {
      new Helm(chart)
          .upgrade()
          .withName(RELEASE)
          .withNamespace(OPERATOR_NS)
          .withKubeConfig(kubeconfig)
          .waitReady()
          .withTimeout(300)
          .call();
    }
  }

  private static String chartVersion(Path chart) {
    return Repo.yamlDocuments(chart.resolve("Chart.yaml")).get(0).path("version").asText();
  }

  private static List<String> servedSpecFields(KubernetesClient kube) {
    CustomResourceDefinition crd =
        kube.apiextensions().v1().customResourceDefinitions().withName(CRD).get();
    return List.copyOf(
        crd.getSpec()
            .getVersions()
            .get(0)
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec")
            .getProperties()
            .keySet());
  }

  private static void createFleets(KubernetesClient kube) {
    kube.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(FLEET_NS).endMetadata().build())
        .serverSideApply();
    kube.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("nexomatic-sink-secrets")
                .withNamespace(FLEET_NS)
                .endMetadata()
                .withStringData(Map.of("client-secret", "python-sink-secret"))
                .build())
        .create();
    JsonNode example = Repo.yamlDocuments(Repo.EXAMPLES.resolve("python-fleet.yaml")).get(0);
    for (String name : FLEETS) {
      ObjectNode fleet = example.deepCopy();
      ((ObjectNode) fleet.get("metadata")).put("name", name);
      ((ObjectNode) fleet.get("spec")).put("replicas", 1);
      kube.resource(Serialization.unmarshal(fleet.toString(), HasMetadata.class)).serverSideApply();
    }
  }

  /** Each fleet's running sink pods (uids), once every fleet has its one. */
  private static Map<String, List<String>> awaitSinkPods(KubernetesClient kube) {
    Map<String, List<String>> pods = new HashMap<>();
    await()
        .atMost(Duration.ofMinutes(3))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              pods.clear();
              for (String fleet : FLEETS) {
                Deployment d =
                    kube.apps().deployments().inNamespace(FLEET_NS).withName(fleet).get();
                assertThat(d.getStatus().getReadyReplicas()).as(fleet).isEqualTo(1);
                List<String> uids =
                    kube
                        .pods()
                        .inNamespace(FLEET_NS)
                        .withLabels(d.getSpec().getSelector().getMatchLabels())
                        .list()
                        .getItems()
                        .stream()
                        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                        .map(Pod::getMetadata)
                        .map(m -> m.getUid())
                        .sorted()
                        .toList();
                assertThat(uids).as(fleet).hasSize(1);
                pods.put(fleet, uids);
              }
            });
    return Map.copyOf(pods);
  }

  /** The fleet's spec as the API server stores it (not through the model, which fills defaults). */
  private static JsonNode spec(KubernetesClient kube, String name) {
    return Repo.JSON.valueToTree(
        kube.genericKubernetesResources("sinks.nexomatic.io/v1alpha1", "SinkFleet")
            .inNamespace(FLEET_NS)
            .withName(name)
            .get()
            .getAdditionalProperties()
            .get("spec"));
  }

  /** The fleets' specs as stored, except alpha's (the test patches it). */
  private static Map<String, Object> specs(KubernetesClient kube) {
    Map<String, Object> specs = new HashMap<>();
    for (String name : FLEETS.subList(1, FLEETS.size())) {
      specs.put(
          name,
          kube.genericKubernetesResources("sinks.nexomatic.io/v1alpha1", "SinkFleet")
              .inNamespace(FLEET_NS)
              .withName(name)
              .get()
              .getAdditionalProperties()
              .get("spec"));
    }
    return specs;
  }

  private static void patchNetworkPolicy(KubernetesClient kube, String name) {
    kube.genericKubernetesResources("sinks.nexomatic.io/v1alpha1", "SinkFleet")
        .inNamespace(FLEET_NS)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), NETWORK_POLICY);
  }
}
