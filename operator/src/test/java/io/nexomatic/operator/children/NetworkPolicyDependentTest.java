package io.nexomatic.operator.children;

import static io.nexomatic.operator.testing.TestFleets.pythonFleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.testing.TestFleets;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkPolicyDependentTest {

  private static SinkFleet fleet(String host) {
    var fleet = pythonFleet();
    fleet.getSpec().getHub().setHost(host);
    fleet.getSpec().getHub().setPort(50051);
    fleet.getSpec().getNetworkPolicy().setEnabled(true);
    return fleet;
  }

  private static NetworkPolicyDependent.Resolver resolving(String... addresses) {
    return host -> {
      var result = new InetAddress[addresses.length];
      for (int i = 0; i < addresses.length; i++) {
        result[i] = InetAddress.getByName(addresses[i]);
      }
      return result;
    };
  }

  private static List<String> cidrs(List<NetworkPolicyPeer> peers) {
    return peers.stream().map(p -> p.getIpBlock().getCidr()).toList();
  }

  private static List<String> ports(List<NetworkPolicyPort> ports) {
    return ports.stream().map(p -> p.getProtocol() + "/" + p.getPort().getIntVal()).toList();
  }

  @Test
  void deniesAllIngressAndAllowsOnlyTheHubsPortAndDns() {
    var policy =
        NetworkPolicyDependent.build(
            fleet("hub.example.com"),
            TestFleets.effective(fleet("hub.example.com")),
            resolving("203.0.113.7"));

    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(policy.getSpec().getIngress()).isEmpty();
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/instance", "python")
        .doesNotContainKey(EphemeralPods.EPHEMERAL_LABEL);
    var egress = policy.getSpec().getEgress();
    assertThat(egress).hasSize(2);
    assertThat(cidrs(egress.get(0).getTo())).containsExactly("203.0.113.7/32");
    assertThat(ports(egress.get(0).getPorts())).containsExactly("TCP/50051");
    var dns = egress.get(1).getTo().get(0);
    assertThat(dns.getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "kube-system");
    assertThat(dns.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns");
    assertThat(ports(egress.get(1).getPorts())).containsExactly("UDP/53", "TCP/53");
  }

  @Test
  void everyResolvedAddressIsAllowedInAStableOrder() {
    var policy =
        NetworkPolicyDependent.build(
            fleet("hub.example.com"),
            TestFleets.effective(fleet("hub.example.com")),
            resolving("203.0.113.9", "2001:db8::1", "203.0.113.7"));

    assertThat(cidrs(policy.getSpec().getEgress().get(0).getTo()))
        .containsExactly("2001:db8:0:0:0:0:0:1/128", "203.0.113.7/32", "203.0.113.9/32");
  }

  @Test
  void givenHubPeersAndExtraEgressAreUsedAsTheyAre() {
    var fleet = fleet("nexomatic-hub");
    var peer =
        new NetworkPolicyPeerBuilder()
            .withNewPodSelector()
            .addToMatchLabels("app.kubernetes.io/name", "nexomatic-hub")
            .endPodSelector()
            .build();
    fleet.getSpec().getNetworkPolicy().setHubPeers(List.of(peer));
    var extra =
        new NetworkPolicyEgressRuleBuilder()
            .addNewTo()
            .withNewIpBlock()
            .withCidr("10.9.0.0/16")
            .endIpBlock()
            .endTo()
            .addNewPort()
            .withProtocol("TCP")
            .withPort(new IntOrString(5432))
            .endPort()
            .build();
    fleet.getSpec().getNetworkPolicy().setExtraEgress(List.of(extra));

    var policy =
        NetworkPolicyDependent.build(
            fleet,
            TestFleets.effective(fleet),
            host -> {
              throw new AssertionError("no lookup when hubPeers are given");
            });

    assertThat(policy.getSpec().getEgress().get(0).getTo()).containsExactly(peer);
    assertThat(policy.getSpec().getEgress().get(2)).isEqualTo(extra);
  }

  @Test
  void aHubThatCannotBeResolvedNamesTheFieldThatFixesIt() {
    assertThatThrownBy(
            () ->
                NetworkPolicyDependent.build(
                    fleet("hub.example.com"),
                    TestFleets.effective(fleet("hub.example.com")),
                    host -> {
                      throw new UnknownHostException(host);
                    }))
        .hasMessageContaining("cannot resolve hub.host hub.example.com")
        .hasMessageContaining("set networkPolicy.hubPeers");
  }
}
