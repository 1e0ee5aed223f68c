package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.model.HubSpec;
import io.nexomatic.operator.model.NetworkPolicySpec;
import io.nexomatic.operator.model.SinkFleet;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fleet's NetworkPolicy (networkPolicy.enabled): its pods, Deployment and one-task alike,
 * accept no connection and may open only the Hub's port, cluster DNS and the user's extra rules.
 */
@KubernetesDependent(informer = @Informer(labelSelector = FleetLabels.MANAGED_SELECTOR))
public class NetworkPolicyDependent
    extends CRUDKubernetesDependentResource<NetworkPolicy, SinkFleet> {

  /** Resolves a host name to its addresses; a test stands in its own. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  public NetworkPolicyDependent() {
    super(NetworkPolicy.class);
  }

  @Override
  protected NetworkPolicy desired(SinkFleet fleet, Context<SinkFleet> context) {
    return build(fleet, FleetInputs.from(context).effective(), InetAddress::getAllByName);
  }

  /** The policy for {@code fleet}; fails with a message naming the fix when the Hub is unknown. */
  public static NetworkPolicy build(SinkFleet fleet, EffectiveFleet effective, Resolver resolver) {
    // The peer lists have no defaults: unset means the operator's own choice below.
    var spec =
        Objects.requireNonNullElseGet(fleet.getSpec().getNetworkPolicy(), NetworkPolicySpec::new);
    HubSpec hub = fleet.getSpec().getHub();
    int hubPort = effective.hubPort();
    var egress = new ArrayList<NetworkPolicyEgressRule>();
    egress.add(
        new NetworkPolicyEgressRuleBuilder()
            .withTo(
                spec.getHubPeers() == null || spec.getHubPeers().isEmpty()
                    ? hubAddresses(hub.getHost(), resolver)
                    : spec.getHubPeers())
            .withPorts(port("TCP", hubPort))
            .build());
    egress.add(
        new NetworkPolicyEgressRuleBuilder()
            .withTo(
                spec.getDnsPeers() == null || spec.getDnsPeers().isEmpty()
                    ? List.of(kubeDns())
                    : spec.getDnsPeers())
            .withPorts(port("UDP", 53), port("TCP", 53))
            .build());
    if (spec.getExtraEgress() != null) {
      egress.addAll(spec.getExtraEgress());
    }
    return new NetworkPolicyBuilder()
        .withMetadata(FleetLabels.childMetadata(fleet))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(FleetLabels.selector(fleet))
        .endPodSelector()
        .withPolicyTypes("Ingress", "Egress")
        .withEgress(egress)
        .endSpec()
        .build();
  }

  private static NetworkPolicyPort port(String protocol, int port) {
    var p = new NetworkPolicyPort();
    p.setProtocol(protocol);
    p.setPort(new IntOrString(port));
    return p;
  }

  private static NetworkPolicyPeer kubeDns() {
    return new NetworkPolicyPeerBuilder()
        .withNamespaceSelector(
            new LabelSelectorBuilder()
                .withMatchLabels(Map.of("kubernetes.io/metadata.name", "kube-system"))
                .build())
        .withPodSelector(
            new LabelSelectorBuilder().withMatchLabels(Map.of("k8s-app", "kube-dns")).build())
        .build();
  }

  private static List<NetworkPolicyPeer> hubAddresses(String host, Resolver resolver) {
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(
          "networkPolicy: cannot resolve hub.host "
              + host
              + " from the operator to allow egress to it: set networkPolicy.hubPeers (an"
              + " ipBlock, or a podSelector and namespaceSelector for a Hub in the cluster)",
          e);
    }
    // Sorted so a changing DNS answer order does not rewrite the policy.
    return Arrays.stream(addresses)
        .map(a -> a.getHostAddress() + (a instanceof Inet6Address ? "/128" : "/32"))
        .distinct()
        .sorted()
        .map(
            cidr ->
                new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).endIpBlock().build())
        .toList();
  }
}
