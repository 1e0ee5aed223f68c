package io.nexomatic.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The least-privilege RBAC manifest grants exactly what the operator's requests need. */
class RbacManifestTest {

  private static List<HasMetadata> manifest() throws IOException {
    try (InputStream in = Files.newInputStream(Path.of("src/main/kubernetes/rbac.yaml"))) {
      Object parsed = new KubernetesSerialization().unmarshal(in);
      if (parsed instanceof KubernetesList list) {
        return list.getItems();
      }
      if (parsed instanceof List<?> items) {
        return items.stream().map(HasMetadata.class::cast).toList();
      }
      return List.of((HasMetadata) parsed);
    }
  }

  private static List<String> verbs(List<PolicyRule> rules, String group, String resource) {
    return rules.stream()
        .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
        .flatMap(r -> r.getVerbs().stream())
        .toList();
  }

  @Test
  void leaderElectionMayGetCreateAndUpdateTheLeaseAsJosdkChecksAtStart() throws IOException {
    var role = manifest().stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst();

    assertThat(role).isPresent();
    assertThat(verbs(role.get().getRules(), "coordination.k8s.io", "leases"))
        .containsExactlyInAnyOrder("get", "create", "update");
  }

  @Test
  void fleetsAreReadOnlyExceptTheirStatusAndNoFinalizerCanBeWritten() throws IOException {
    var rules = clusterRole().getRules();

    assertThat(verbs(rules, "sinks.nexomatic.io", "sinkfleets"))
        .containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(verbs(rules, "sinks.nexomatic.io", "sinkfleets/status")).containsExactly("patch");
  }

  @Test
  void childrenAreAppliedAndOnlyThoseAModeChangeRemovesAreEverDeleted() throws IOException {
    var rules = clusterRole().getRules();

    for (String[] child : new String[][] {{"", "secrets"}, {"", "serviceaccounts"}}) {
      assertThat(verbs(rules, child[0], child[1]))
          .as(child[1])
          .containsExactlyInAnyOrder("get", "list", "watch", "create", "patch");
    }
    for (String[] child :
        new String[][] {
          {"apps", "deployments"},
          {"policy", "poddisruptionbudgets"},
          {"autoscaling", "horizontalpodautoscalers"},
          {"networking.k8s.io", "networkpolicies"}
        }) {
      assertThat(verbs(rules, child[0], child[1]))
          .as(child[1] + ": deleted when the mode no longer needs it")
          .containsExactlyInAnyOrder("get", "list", "watch", "create", "patch", "delete");
    }
    assertThat(verbs(rules, "", "events")).containsExactly("create");
    assertThat(verbs(rules, "", "pods"))
        .as("pod-deletion-cost before a Backlog fleet shrinks; one-task pods of an Ephemeral fleet")
        .containsExactlyInAnyOrder("get", "list", "patch", "create", "delete");
  }

  private static ClusterRole clusterRole() throws IOException {
    return manifest().stream()
        .filter(ClusterRole.class::isInstance)
        .map(ClusterRole.class::cast)
        .findFirst()
        .orElseThrow();
  }
}
