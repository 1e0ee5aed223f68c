package io.nexomatic.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void watchesAllNamespacesAndElectsALeaderInThePodsNamespaceByDefault() {
    var settings =
        OperatorSettings.fromEnvironment(Map.of("POD_NAMESPACE", "nexomatic", "POD_NAME", "op-0"));

    assertThat(settings.watchNamespaces()).isEmpty();
    assertThat(settings.leaderElection()).isTrue();
    assertThat(settings.leaseNamespace()).isEqualTo("nexomatic");
    assertThat(settings.identity()).isEqualTo("op-0");
    assertThat(settings.httpPort()).isEqualTo(8080);
  }

  @Test
  void watchesOnlyTheListedNamespaces() {
    var settings =
        OperatorSettings.fromEnvironment(
            Map.of("WATCH_NAMESPACES", " team-a, team-b ,", "LEADER_ELECTION", "false"));

    assertThat(settings.watchNamespaces()).isEqualTo(Set.of("team-a", "team-b"));
  }

  @Test
  void listsEveryConfigurationProblemAtOnce() {
    assertThatThrownBy(
            () ->
                OperatorSettings.fromEnvironment(
                    Map.of("LEADER_ELECTION", "yes", "HTTP_PORT", "http")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LEADER_ELECTION must be true or false")
        .hasMessageContaining("HTTP_PORT must be a port number");
  }

  @Test
  void refusesLeaderElectionWithoutANamespaceForTheLease() {
    assertThatThrownBy(() -> OperatorSettings.fromEnvironment(Map.of()))
        .hasMessageContaining("POD_NAMESPACE");
  }
}
