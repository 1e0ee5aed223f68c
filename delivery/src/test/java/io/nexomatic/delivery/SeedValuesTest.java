package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's internal-python-sink / internal-pwsh-sink values, verbatim, render SinkFleets that run
 * what the sub-charts ran.
 */
class SeedValuesTest {

  private static final Path SEED = Repo.ROOT.resolve("delivery/src/test/resources/seed");

  @Test
  void theSeedsValuesRenderTwoEquivalentSinkFleets() {
    List<JsonNode> fleets = Chart.ofKind(Chart.template(SEED.resolve("values.yaml")), "SinkFleet");

    assertThat(Chart.names(fleets)).containsExactly("SinkFleet/python-sink", "SinkFleet/pwsh-sink");

    JsonNode python = Chart.get(fleets, "SinkFleet", "python-sink");
    assertThat(python.path("apiVersion").asText()).isEqualTo("sinks.nexomatic.io/v1alpha1");
    assertThat(python.at("/metadata/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    assertThat(python.at("/metadata/annotations/sinks.nexomatic.io~1migrated-from").asText())
        .isEqualTo("internal-python-sink");
    assertThat(fields(python.path("spec")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "sinkType", "LOCAL:BASE",
                "image", "your-registry/nexomatic-sink-local:latest",
                "hub", "{\"host\":\"nexomatic-hub\",\"port\":50051}",
                "auth",
                    "{\"clientSecretRef\":{\"key\":\"client-secret\",\"name\":\"nexomatic-sink-secrets\"}}",
                "replicas", "2"));

    JsonNode pwsh = Chart.get(fleets, "SinkFleet", "pwsh-sink");
    assertThat(fields(pwsh.path("spec")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "sinkType", "LOCAL:PWSH",
                "image", "your-registry/nexomatic-sink-powershell-local:latest",
                "hub", "{\"host\":\"nexomatic-hub\",\"port\":50051}",
                "auth",
                    "{\"clientSecretRef\":{\"key\":\"pwsh-client-secret\",\"name\":\"nexomatic-sink-secrets\"}}",
                "replicas", "1"));

    // Empty TENANT_UUID / TENANT_SECRET mean "all tenants": no tenant block, nothing in env.
    assertThat(python.path("spec").has("tenant")).isFalse();
    assertThat(python.path("spec").has("env")).isFalse();
    for (JsonNode fleet : fleets) {
      assertThat(ExamplesTest.SCHEMA.validate(fleet))
          .as(fleet.at("/metadata/name").asText())
          .isEmpty();
    }
  }

  @Test
  void theSeedsWorkloadIdentityBlockLayeredOnTopSwitchesThePwshFleetToEntraId() {
    List<JsonNode> fleets =
        Chart.ofKind(
            Chart.template(SEED.resolve("values.yaml"), SEED.resolve("workload-identity.yaml")),
            "SinkFleet");

    JsonNode pwsh = Chart.get(fleets, "SinkFleet", "pwsh-sink");
    // Helm replaces the env list with the Workload Identity block's; the Sink Type and Hub fall
    // back to the sub-chart's defaults (LOCAL:PWSH, nexomatic-hub), as the sub-chart's did.
    assertThat(fields(pwsh.path("spec")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "sinkType", "LOCAL:PWSH",
                "image", "your-registry/nexomatic-sink-powershell-local:latest",
                "hub", "{\"host\":\"nexomatic-hub\"}",
                "auth",
                    "{\"entraId\":{\"clientId\":\"<managed-identity-client-id>\",\"tenantId\":\"<azure-tenant-id>\"},\"method\":\"EntraId\"}",
                "replicas", "1"));
    // The placeholders are the seed's; the CRD schema refuses them until real ids are filled in.
    assertThat(ExamplesTest.SCHEMA.validate(pwsh))
        .containsExactlyInAnyOrder(
            "spec.auth.entraId.clientId: '<managed-identity-client-id>' does not match "
                + entraIdPattern("clientId"),
            "spec.auth.entraId.tenantId: '<azure-tenant-id>' does not match "
                + entraIdPattern("tenantId"));
    // The Python fleet is untouched.
    assertThat(
            Chart.get(fleets, "SinkFleet", "python-sink")
                .at("/spec/auth/clientSecretRef/key")
                .asText())
        .isEqualTo("client-secret");
  }

  @Test
  void theMigratedExampleCarriesEveryKindOfSetting() {
    List<JsonNode> fleets =
        Chart.ofKind(
            Chart.template(Repo.EXAMPLES.resolve("helm/migrated-subcharts.yaml")), "SinkFleet");

    JsonNode python = Chart.get(fleets, "SinkFleet", "python-sink").path("spec");
    assertThat(python.at("/runtime/maxLogBytes").asLong()).isEqualTo(10L * 1024 * 1024);
    assertThat(python.at("/runtime/taskTimeoutSeconds").asLong()).isEqualTo(1800);
    assertThat(python.path("env").toString())
        .isEqualTo("[{\"name\":\"TASK_ENV_REGION\",\"value\":\"westeurope\"}]");
    assertThat(python.at("/resources/requests/cpu").asText()).isEqualTo("250m");
    // sinkFleet: replaces the translated autoscaling; replicas stay as the seed had them.
    assertThat(python.path("autoscaling").toString())
        .isEqualTo("{\"maxReplicas\":8,\"minReplicas\":1,\"mode\":\"Backlog\"}");
    assertThat(python.path("replicas").asInt()).isEqualTo(2);

    JsonNode pwsh = Chart.get(fleets, "SinkFleet", "pwsh-sink").path("spec");
    assertThat(pwsh.path("auth").toString())
        .isEqualTo(
            "{\"entraId\":{\"clientId\":\"5d1b3c9e-0000-4000-8000-000000000002\",\"tenantId\":\"72f988bf-0000-4000-8000-000000000001\"},\"method\":\"EntraId\"}");
    // autoscaling.enabled (the sub-charts' CPU HPA) becomes mode Cpu; replicas are the HPA's.
    assertThat(pwsh.path("autoscaling").toString())
        .isEqualTo(
            "{\"maxReplicas\":4,\"minReplicas\":1,\"mode\":\"Cpu\",\"targetCPUUtilizationPercentage\":75}");
    assertThat(pwsh.has("replicas")).isFalse();
    assertThat(pwsh.has("env")).as("AZURE_FEDERATED_TOKEN_FILE is the webhook's").isFalse();
    for (JsonNode fleet : fleets) {
      assertThat(ExamplesTest.SCHEMA.validate(fleet))
          .as(fleet.at("/metadata/name").asText())
          .isEmpty();
    }
  }

  @Test
  void aPlainTextClientSecretIsRefusedWithTheWayOut(@TempDir Path dir) throws IOException {
    Path values = dir.resolve("values.yaml");
    Files.writeString(
        values,
        """
        internal-python-sink:
          env:
            - name: CLIENT_SECRET
              value: "s3cr3t"
        """);

    assertThatThrownBy(() -> Chart.template(values))
        .hasMessageContaining("internal-python-sink.env[0] (CLIENT_SECRET)")
        .hasMessageContaining("put it in a Secret")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void workloadIdentityWithoutATenantIsRefusedNamingTheVariable(@TempDir Path dir)
      throws IOException {
    Path values = dir.resolve("values.yaml");
    Files.writeString(
        values,
        """
        internal-pwsh-sink:
          serviceAccount:
            azureWorkloadIdentity: "5d1b3c9e-0000-4000-8000-000000000002"
        """);

    assertThatThrownBy(() -> Chart.template(values))
        .hasMessageContaining("internal-pwsh-sink: Workload Identity needs the Entra ID tenant")
        .hasMessageContaining("AZURE_TENANT_ID");
  }

  @Test
  void aDisabledSubchartRendersNothing(@TempDir Path dir) throws IOException {
    Path off = dir.resolve("off.yaml");
    Files.writeString(off, "internal-python-sink:\n  enabled: false\n");

    List<JsonNode> fleets =
        Chart.ofKind(Chart.template(SEED.resolve("values.yaml"), off), "SinkFleet");

    assertThat(Chart.names(fleets)).containsExactly("SinkFleet/pwsh-sink");
  }

  /** spec field -> its rendered JSON (strings unquoted), for field-by-field comparison. */
  private static Map<String, String> fields(JsonNode spec) {
    var fields = new java.util.TreeMap<String, String>();
    spec.properties()
        .forEach(
            e ->
                fields.put(
                    e.getKey(),
                    e.getValue().isTextual()
                        ? e.getValue().asText()
                        : sorted(e.getValue()).toString()));
    return fields;
  }

  private static JsonNode sorted(JsonNode node) {
    if (!node.isObject()) {
      return node;
    }
    var copy = Repo.JSON.createObjectNode();
    var names = new java.util.TreeSet<String>();
    node.properties().forEach(e -> names.add(e.getKey()));
    names.forEach(k -> copy.set(k, sorted(node.get(k))));
    return copy;
  }

  private static String entraIdPattern(String field) {
    return Repo.sinkFleetSchema()
        .at("/properties/spec/properties/auth/properties/entraId/properties/" + field + "/pattern")
        .asText();
  }
}
