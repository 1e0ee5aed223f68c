package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.nexomatic.hub.testing.RequiredTool;
import io.nexomatic.operator.children.DeploymentDependent;
import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.children.EphemeralPods;
import io.nexomatic.operator.children.FleetInputs;
import io.nexomatic.operator.children.NetworkPolicyDependent;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.testing.TestFleets;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A security scanner over exactly what the operator renders: checkov (run offline) finds no pod of
 * a fleet with networkPolicy.enabled that lacks a NetworkPolicy, and does find the fleet without.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkPolicyScanIT {

  /**
   * checkov's graph check: "Minimize the admission of pods which lack an associated NetworkPolicy".
   */
  static final String POD_WITHOUT_POLICY = "CKV2_K8S_6";

  private Path checkov;

  @BeforeAll
  void findCheckov() {
    var installed =
        Processes.run(Duration.ofMinutes(1), null, List.of("scripts/checkov.sh", "path"), Map.of());
    if (installed.exit() != 0) {
      RequiredTool.skip(
          "checkov is not installed, and this test scans the rendered children with it: run"
              + " scripts/checkov.sh install (.ci/run does)");
    }
    checkov = Path.of(installed.out().strip());
  }

  private static SinkFleet fleet(boolean networkPolicy) throws IOException {
    var fleet =
        Serialization.unmarshal(
            Files.readString(Repo.EXAMPLES.resolve("ephemeral.yaml")), SinkFleet.class);
    fleet.getMetadata().setUid("5b7e3c1a-0000-4000-8000-000000000009");
    fleet.getSpec().getNetworkPolicy().setEnabled(networkPolicy);
    return fleet;
  }

  private static List<HasMetadata> rendered(SinkFleet fleet) throws IOException {
    var inputs =
        new FleetInputs(
            TestFleets.effective(fleet),
            OptionalInt.of(2),
            new DerivedCredentials(
                Map.of(
                    DerivedCredentials.CLIENT_SECRET_KEY,
                    "not-a-secret".getBytes(StandardCharsets.UTF_8)),
                null));
    var objects = new ArrayList<HasMetadata>();
    objects.add(DeploymentDependent.build(fleet, inputs));
    var pod = EphemeralPods.build(fleet, inputs);
    pod.getMetadata().setName(fleet.getMetadata().getName() + "-task-x1y2z");
    objects.add(pod);
    if (Boolean.TRUE.equals(fleet.getSpec().getNetworkPolicy().getEnabled())) {
      objects.add(
          NetworkPolicyDependent.build(
              fleet, TestFleets.effective(fleet), host -> new InetAddress[0]));
    }
    return objects;
  }

  /** The failed checks' ids, by resource, from checkov's JSON report. */
  private List<String> failedChecks(List<HasMetadata> objects, Path dir) throws IOException {
    for (HasMetadata o : objects) {
      Files.writeString(
          dir.resolve(o.getKind().toLowerCase() + "-" + o.getMetadata().getName() + ".yaml"),
          Serialization.asYaml(o));
    }
    var result =
        Processes.run(
            Duration.ofMinutes(5),
            null,
            List.of(
                checkov.toString(),
                "--directory",
                dir.toString(),
                "--framework",
                "kubernetes",
                "--skip-download",
                "--compact",
                "--output",
                "json"),
            Map.of("BC_SKIP_MAPPING", "TRUE"));
    // 0: nothing failed; 1: some check failed. Anything else is checkov's own error.
    assertThat(result.exit()).as("checkov:%n%s", result.err()).isIn(0, 1);
    JsonNode report = Repo.JSON.readTree(result.out());
    var failed = new ArrayList<String>();
    for (JsonNode framework : report.isArray() ? report : List.of(report)) {
      for (JsonNode check : framework.path("results").path("failed_checks")) {
        failed.add(check.path("check_id").asText() + " " + check.path("resource").asText());
      }
    }
    return failed;
  }

  @Test
  void aFleetWithItsNetworkPolicyHasNoPodWithoutOne(@TempDir Path dir) throws IOException {
    var objects = rendered(fleet(true));
    var peers = ((io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy) objects.get(2));
    assertThat(peers.getSpec().getEgress().get(0).getTo())
        .containsExactly(
            new NetworkPolicyPeerBuilder()
                .withNewPodSelector()
                .addToMatchLabels("app.kubernetes.io/name", "nexomatic-hub")
                .endPodSelector()
                .build());

    var failed = failedChecks(objects, dir);

    System.out.println(
        "[networkpolicy-scan] with networkPolicy.enabled: "
            + failed.stream().filter(f -> f.startsWith(POD_WITHOUT_POLICY)).count()
            + " "
            + POD_WITHOUT_POLICY
            + " findings; all failed checks: "
            + failed);
    assertThat(failed).noneMatch(f -> f.startsWith(POD_WITHOUT_POLICY));
  }

  @Test
  void theSameFleetWithoutItIsFlaggedSoTheScanCanFail(@TempDir Path dir) throws IOException {
    var failed = failedChecks(rendered(fleet(false)), dir);

    assertThat(failed).anyMatch(f -> f.startsWith(POD_WITHOUT_POLICY));
  }
}
