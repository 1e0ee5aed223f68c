package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** values.schema.json refuses bad values with messages that name the value and the rule. */
class ValuesSchemaTest {

  @Test
  void badValuesAreRefusedNamingEachPathAndRule(@TempDir Path dir) throws IOException {
    Path values = dir.resolve("bad.yaml");
    Files.writeString(
        values,
        """
        replicaCount: 0
        watchNamespaces: [Sinks_Prod]
        metrics:
          serviceMonitor:
            interval: 30 seconds
        internal-python-sink:
          replicaCount: "two"
          env:
            - name: HUB_PORT
              value: 50051
        """);

    assertThatThrownBy(() -> Chart.template(values))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("at '/replicaCount': minimum: got 0, want 1")
        .hasMessageContaining("at '/watchNamespaces/0'")
        .hasMessageContaining("at '/metrics/serviceMonitor/interval'")
        .hasMessageContaining("at '/internal-python-sink/replicaCount': got string, want integer")
        .hasMessageContaining("at '/internal-python-sink/env/0/value': got number, want string");
  }

  @Test
  void aMisspelledScalarOptionIsRefusedButOtherChartsSectionsPass(@TempDir Path dir)
      throws IOException {
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "replicacount: 2\n");
    assertThatThrownBy(() -> Chart.template(typo))
        .hasMessageContaining("at '/replicacount': got number, want object");

    // An umbrella values file (the seed's) also holds other sub-charts' sections: ignored.
    Path umbrella = dir.resolve("umbrella.yaml");
    Files.writeString(umbrella, "nexomatic-hub:\n  replicaCount: 1\n");
    assertThat(Chart.ofKind(Chart.template(umbrella), "Deployment")).hasSize(1);
  }

  @Test
  void aSinkFleetEntryNeedsASpecWithItsRequiredFields(@TempDir Path dir) throws IOException {
    Path values = dir.resolve("fleet.yaml");
    Files.writeString(
        values,
        """
        sinkFleets:
          Python:
            spec:
              sinkType: LOCAL:BASE
              hub: {host: nexomatic-hub, port: 70000}
        """);

    assertThatThrownBy(() -> Chart.template(values))
        .hasMessageContaining("/sinkFleets")
        .hasMessageContaining("Python")
        .hasMessageContaining("missing properties")
        .hasMessageContaining("image")
        .hasMessageContaining("auth")
        .hasMessageContaining(
            "at '/sinkFleets/Python/spec/hub/port': maximum: got 70,000, want 65,535")
        .hasMessageContaining("invalid propertyName 'Python'");
  }

  @Test
  void moreThanOneReplicaWithoutLeaderElectionIsRefused() {
    assertThatThrownBy(
            () ->
                Chart.template(
                    List.of(), Map.of("replicaCount", "2", "leaderElection.enabled", "false")))
        .hasMessageContaining("replicaCount > 1 needs leaderElection.enabled: true");
  }
}
