package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
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
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * README's install path on a real control plane: the chart's CRDs and rendered manifests applied as
 * Helm would, then the operator run with exactly the chart's environment and as the chart's
 * ServiceAccount (impersonated, so every request is authorised by the chart's RBAC), then
 * examples/python-fleet.yaml applied and Ready. A missing verb in the chart's RBAC fails here.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ChartOnRealClusterIT {

  @Test
  void theChartsOperatorRunningAsItsServiceAccountBringsTheExampleFleetToReady() throws Exception {
    try (var cluster = RealControlPlane.withControllers();
        KubernetesClient admin = cluster.client();
        var hubChannels = new HubChannels()) {
      List<JsonNode> rendered = Chart.template();
      // Helm applies the CRD (a template of the chart) before the objects that need it.
      for (JsonNode crd : Chart.ofKind(rendered, "CustomResourceDefinition")) {
        admin
            .resource(Serialization.unmarshal(crd.toString(), HasMetadata.class))
            .fieldManager("helm")
            .forceConflicts()
            .serverSideApply();
      }
      await()
          .atMost(Duration.ofMinutes(2))
          .ignoreExceptions()
          .until(() -> admin.resources(SinkFleet.class).inAnyNamespace().list() != null);
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(Chart.NAMESPACE)
                  .endMetadata()
                  .build())
          .serverSideApply();

      for (JsonNode object : rendered) {
        HasMetadata item = Serialization.unmarshal(object.toString(), HasMetadata.class);
        if (item.getMetadata().getNamespace() == null && isNamespaced(object)) {
          item.getMetadata().setNamespace(Chart.NAMESPACE);
        }
        admin.resource(item).fieldManager("helm").forceConflicts().serverSideApply();
      }

      JsonNode serviceAccount = Chart.ofKind(rendered, "ServiceAccount").get(0);
      String user =
          "system:serviceaccount:"
              + Chart.NAMESPACE
              + ":"
              + serviceAccount.at("/metadata/name").asText();
      Config asChartAccount = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
      asChartAccount.setImpersonateUsername(user);
      asChartAccount.setImpersonateGroups(
          "system:serviceaccounts",
          "system:serviceaccounts:" + Chart.NAMESPACE,
          "system:authenticated");

      var settings = OperatorSettings.fromEnvironment(chartEnvironment(rendered));
      assertThat(settings.leaderElection()).as("the chart turns leader election on").isTrue();
      try (KubernetesClient operatorClient =
          new KubernetesClientBuilder().withConfig(asChartAccount).build()) {
        Operator operator =
            SinkFleetOperator.create(
                operatorClient,
                settings,
                new TestingMetrics(),
                new SpecReplicaPlanner(),
                new GrpcHubQueueSource(hubChannels, Duration.ofSeconds(2)),
                Clock.systemUTC());
        operator.start();
        try {
          // README: the user's Secret, then the example fleet.
          admin
              .resource(
                  new SecretBuilder()
                      .withNewMetadata()
                      .withName("nexomatic-sink-secrets")
                      .withNamespace("nexomatic")
                      .endMetadata()
                      .withStringData(Map.of("client-secret", "python-sink-secret"))
                      .build())
              .create();
          for (HasMetadata item :
              admin
                  .load(Files.newInputStream(Repo.EXAMPLES.resolve("python-fleet.yaml")))
                  .items()) {
            admin.resource(item).serverSideApply();
          }
          await()
              .atMost(Duration.ofMinutes(3))
              .ignoreExceptions()
              .untilAsserted(
                  () -> {
                    var fleet =
                        admin
                            .resources(SinkFleet.class)
                            .inNamespace("nexomatic")
                            .withName("python")
                            .get();
                    assertThat(fleet.getStatus().getConditions())
                        .as("status " + fleet.getStatus())
                        .anySatisfy(
                            c -> {
                              assertThat(c.getType()).isEqualTo("Ready");
                              assertThat(c.getStatus()).isEqualTo("True");
                            });
                  });
          Lease lease =
              admin.leases().inNamespace(Chart.NAMESPACE).withName(settings.leaseName()).get();
          assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(settings.identity());
        } finally {
          operator.stop();
        }
      }
    }
  }

  /** The operator container's environment as the chart renders it, downward API resolved. */
  private static Map<String, String> chartEnvironment(List<JsonNode> rendered) {
    JsonNode deployment = Chart.ofKind(rendered, "Deployment").get(0);
    var env = new HashMap<String, String>();
    for (JsonNode var : deployment.at("/spec/template/spec/containers/0/env")) {
      String name = var.path("name").asText();
      String fieldPath = var.at("/valueFrom/fieldRef/fieldPath").asText("");
      if (fieldPath.equals("metadata.namespace")) {
        env.put(name, Chart.NAMESPACE);
      } else if (fieldPath.equals("metadata.name")) {
        env.put(name, "nexomatic-operator-0");
      } else if (var.has("value")) {
        env.put(name, var.path("value").asText());
      }
    }
    return env;
  }

  private static boolean isNamespaced(JsonNode object) {
    return !List.of("ClusterRole", "ClusterRoleBinding", "Namespace", "CustomResourceDefinition")
        .contains(object.path("kind").asText());
  }
}
