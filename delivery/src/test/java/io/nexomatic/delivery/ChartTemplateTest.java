package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's own objects as the chart renders them. */
class ChartTemplateTest {

  private static final String FULLNAME = "nexomatic-nexomatic-sink-operator";

  @Test
  void defaultsRenderTheOperatorAndNoFleet() {
    List<JsonNode> objects = Chart.template();

    assertThat(Chart.names(objects))
        .containsExactlyInAnyOrder(
            "ServiceAccount/" + FULLNAME,
            "CustomResourceDefinition/sinkfleets.sinks.nexomatic.io",
            "ClusterRole/" + FULLNAME,
            "ClusterRoleBinding/" + FULLNAME,
            "Role/" + FULLNAME + "-leader-election",
            "RoleBinding/" + FULLNAME + "-leader-election",
            "Deployment/" + FULLNAME,
            "Service/" + FULLNAME + "-metrics");
    for (JsonNode o : objects) {
      assertThat(o.at("/metadata/labels/app.kubernetes.io~1name").asText())
          .as(o.path("kind").asText())
          .isEqualTo("nexomatic-sink-operator");
      assertThat(o.at("/metadata/labels/app.kubernetes.io~1instance").asText())
          .isEqualTo("nexomatic");
    }
  }

  @Test
  void theDeploymentIsRestrictedAndProbed() {
    JsonNode deployment = Chart.get(Chart.template(), "Deployment", FULLNAME);
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");

    assertThat(deployment.at("/metadata/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(pod.path("serviceAccountName").asText()).isEqualTo(FULLNAME);
    assertThat(pod.path("automountServiceAccountToken").asBoolean()).isTrue();
    // Restricted Pod Security Standard.
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    JsonNode sc = container.path("securityContext");
    assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(sc.at("/capabilities/drop/0").asText()).isEqualTo("ALL");
    assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/tmp");
    assertThat(pod.at("/volumes/0/emptyDir").isObject()).isTrue();
    // Image, probes, resources.
    assertThat(container.path("image").asText()).isEqualTo("nexomatic-operator:0.1.0");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
    assertThat(container.at("/resources/requests/cpu").asText()).isEqualTo("100m");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("512Mi");
    // The settings OperatorSettings reads.
    Map<String, JsonNode> env = env(container);
    assertThat(env.get("WATCH_NAMESPACES").path("value").asText()).isEmpty();
    assertThat(env.get("LEADER_ELECTION").path("value").asText()).isEqualTo("true");
    assertThat(env.get("LEASE_NAME").path("value").asText()).isEqualTo(FULLNAME);
    assertThat(env.get("POD_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.namespace");
    assertThat(env.get("POD_NAME").at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.name");
    assertThat(env.get("HTTP_PORT").path("value").asText()).isEqualTo("8080");
  }

  @Test
  void theClusterRoleGrantsExactlyTheOperatorsRbac() {
    JsonNode rendered = Chart.get(Chart.template(), "ClusterRole", FULLNAME);
    JsonNode operatorRbac =
        Repo.yamlDocuments(Repo.ROOT.resolve("operator/src/main/kubernetes/rbac.yaml")).stream()
            .filter(o -> o.path("kind").asText().equals("ClusterRole"))
            .findFirst()
            .orElseThrow();

    assertThat(rendered.path("rules")).isEqualTo(operatorRbac.path("rules"));
    for (JsonNode rule : rendered.path("rules")) {
      assertThat(rule.path("verbs").toString()).doesNotContain("*").doesNotContain("update");
    }
    JsonNode binding = Chart.get(Chart.template(), "ClusterRoleBinding", FULLNAME);
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(FULLNAME);
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(Chart.NAMESPACE);
  }

  @Test
  void listedNamespacesGetRolesAndNothingClusterWide() {
    List<JsonNode> objects =
        Chart.template(
            List.of(), Map.of("watchNamespaces[0]", "sinks-a", "watchNamespaces[1]", "sinks-b"));

    assertThat(Chart.ofKind(objects, "ClusterRole")).isEmpty();
    assertThat(Chart.ofKind(objects, "ClusterRoleBinding")).isEmpty();
    var roles = new ArrayList<String>();
    for (JsonNode role : Chart.ofKind(objects, "Role")) {
      roles.add(role.at("/metadata/namespace").asText() + "/" + role.at("/metadata/name").asText());
    }
    assertThat(roles)
        .containsExactlyInAnyOrder(
            "sinks-a/" + FULLNAME,
            "sinks-b/" + FULLNAME,
            "nexomatic/" + FULLNAME + "-leader-election");
    JsonNode operatorRules = Chart.get(Chart.template(), "ClusterRole", FULLNAME).path("rules");
    for (JsonNode role : Chart.ofKind(objects, "Role")) {
      if (!role.at("/metadata/name").asText().endsWith("-leader-election")) {
        assertThat(role.path("rules")).isEqualTo(operatorRules);
      }
    }
    assertThat(Chart.ofKind(objects, "RoleBinding")).hasSize(3);
    JsonNode container =
        Chart.get(objects, "Deployment", FULLNAME).at("/spec/template/spec/containers/0");
    assertThat(env(container).get("WATCH_NAMESPACES").path("value").asText())
        .isEqualTo("sinks-a,sinks-b");
  }

  @Test
  void leaderElectionCanBeTurnedOffForOneReplica() {
    List<JsonNode> objects = Chart.template(List.of(), Map.of("leaderElection.enabled", "false"));

    assertThat(Chart.names(objects)).noneMatch(n -> n.endsWith("-leader-election"));
    JsonNode container =
        Chart.get(objects, "Deployment", FULLNAME).at("/spec/template/spec/containers/0");
    assertThat(env(container).get("LEADER_ELECTION").path("value").asText()).isEqualTo("false");
  }

  @Test
  void theServiceMonitorScrapesTheMetricsService() {
    List<JsonNode> objects =
        Chart.template(List.of(), Map.of("metrics.serviceMonitor.enabled", "true"));

    JsonNode monitor = Chart.get(objects, "ServiceMonitor", FULLNAME);
    JsonNode service = Chart.get(objects, "Service", FULLNAME + "-metrics");
    assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.at("/spec/endpoints/0/port").asText())
        .isEqualTo(service.at("/spec/ports/0/name").asText());
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
    monitor
        .at("/spec/selector/matchLabels")
        .properties()
        .forEach(
            e ->
                assertThat(service.at("/metadata/labels").path(e.getKey()))
                    .isEqualTo(e.getValue()));
    assertThat(service.at("/spec/selector")).isEqualTo(monitor.at("/spec/selector/matchLabels"));
    assertThat(Chart.ofKind(Chart.template(), "ServiceMonitor")).isEmpty();
  }

  static Map<String, JsonNode> env(JsonNode container) {
    var env = new java.util.LinkedHashMap<String, JsonNode>();
    for (JsonNode e : container.path("env")) {
      env.put(e.path("name").asText(), e);
    }
    return env;
  }
}
