package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;

/** An opt-in NetworkPolicy for the fleet's pods: no ingress, egress only to the Hub and DNS. */
public class NetworkPolicySpec {

  /** Whether the operator renders the fleet's NetworkPolicy. */
  @JsonPropertyDescription(
      "Whether the operator renders a NetworkPolicy for the fleet's pods: all ingress denied,"
          + " egress only to the Hub, cluster DNS and extraEgress.")
  @Default("false")
  private Boolean enabled = false;

  /** Where the Hub is; by default hub.host as an IP address or the addresses it resolves to. */
  @JsonPropertyDescription(
      "Where the Hub is, as NetworkPolicy peers (ipBlock, or podSelector/namespaceSelector for a"
          + " Hub in the cluster); the Hub's port is added. Default: hub.host itself when it is"
          + " an IP address, else the addresses it resolves to from the operator, each as a /32"
          + " or /128.")
  private List<NetworkPolicyPeer> hubPeers;

  /** Where cluster DNS is; by default the kube-dns pods in kube-system. */
  @JsonPropertyDescription(
      "Where cluster DNS is, as NetworkPolicy peers; UDP and TCP port 53 are added. Default: pods"
          + " labelled k8s-app=kube-dns in the kube-system namespace.")
  private List<NetworkPolicyPeer> dnsPeers;

  /** More egress the sinks' tasks need (e.g. Entra ID's token endpoint, a database). */
  @JsonPropertyDescription(
      "More egress rules, copied as they are (e.g. the Entra ID token endpoint for an EntraId"
          + " fleet, or services the Action modules call).")
  private List<NetworkPolicyEgressRule> extraEgress;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public List<NetworkPolicyPeer> getHubPeers() {
    return hubPeers;
  }

  public void setHubPeers(List<NetworkPolicyPeer> hubPeers) {
    this.hubPeers = hubPeers;
  }

  public List<NetworkPolicyPeer> getDnsPeers() {
    return dnsPeers;
  }

  public void setDnsPeers(List<NetworkPolicyPeer> dnsPeers) {
    this.dnsPeers = dnsPeers;
  }

  public List<NetworkPolicyEgressRule> getExtraEgress() {
    return extraEgress;
  }

  public void setExtraEgress(List<NetworkPolicyEgressRule> extraEgress) {
    this.extraEgress = extraEgress;
  }
}
