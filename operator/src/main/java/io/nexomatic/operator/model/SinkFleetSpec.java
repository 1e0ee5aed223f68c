package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/** The desired fleet: what the sinks run, where they connect, and how many there are. */
@ValidationRule(
    value = SpecRules.GRACE_ABOVE_DRAIN_RULE,
    message = SpecRules.GRACE_ABOVE_DRAIN_MESSAGE)
@ValidationRule(
    value = SpecRules.NETWORK_POLICY_NEEDS_HUB_PEERS_RULE,
    message = SpecRules.NETWORK_POLICY_NEEDS_HUB_PEERS_MESSAGE)
public class SinkFleetSpec {

  /** The Sink Type the sinks serve, e.g. LOCAL:BASE or LOCAL:PWSH; becomes CLIENT_ID. */
  @JsonPropertyDescription(
      "The Sink Type the sinks serve, e.g. LOCAL:BASE or LOCAL:PWSH; becomes CLIENT_ID.")
  @Required
  @Size(min = 1, max = 128)
  @Pattern(ModelPatterns.SINK_TYPE)
  private String sinkType;

  /** The sink image (its entrypoint runs the sink runtime; the operator sets no command). */
  @JsonPropertyDescription(
      "The sink image (its entrypoint runs the sink runtime; the operator sets no command).")
  @Required
  @Size(min = 1, max = 1024)
  private String image;

  /** Pull policy of the sink image; Kubernetes' default when unset. */
  @JsonPropertyDescription("Pull policy of the sink image; Kubernetes' default when unset.")
  private ImagePullPolicy imagePullPolicy;

  /** Secrets used to pull the sink image. */
  @JsonPropertyDescription("Secrets used to pull the sink image.")
  private List<LocalObjectReference> imagePullSecrets;

  /** The Hub the sinks connect to. */
  @JsonPropertyDescription("The Hub the sinks connect to.")
  @Required
  private HubSpec hub;

  /** How sinks authenticate to the Hub. */
  @JsonPropertyDescription("How sinks authenticate to the Hub.")
  @Required
  private AuthSpec auth;

  /** Pins the fleet to one tenant; without it the sinks serve all tenants. */
  @JsonPropertyDescription("Pins the fleet to one tenant; without it the sinks serve all tenants.")
  private TenantSpec tenant;

  /** Settings of the sink runtime in each pod. */
  @JsonPropertyDescription("Settings of the sink runtime in each pod.")
  @Default("{}")
  private RuntimeSpec runtime = new RuntimeSpec();

  /** Sinks to run when autoscaling.mode is None; the scale subresource writes it. */
  @JsonPropertyDescription(
      "Sinks to run when autoscaling.mode is None; the scale subresource writes it.")
  @SpecReplicas
  @Default("1")
  @Min(0)
  private Integer replicas = 1;

  /** Autoscaling: None (replicas decides), Cpu (an HPA) or Backlog (the Hub's queue). */
  @JsonPropertyDescription(
      "Autoscaling: None (replicas decides), Cpu (an HPA) or Backlog (the Hub's queue).")
  @Default("{}")
  private AutoscalingSpec autoscaling = new AutoscalingSpec();

  /** Scales the fleet to zero while true, whatever the autoscaling mode; resumes when false. */
  @JsonPropertyDescription(
      "Scales the fleet to zero while true, whatever the autoscaling mode; resumes when false.")
  @Default("false")
  private Boolean suspend = false;

  /** Compute resources of the sink container. */
  @JsonPropertyDescription("Compute resources of the sink container.")
  private ResourceRequirements resources;

  /** Node labels the sink pods must match. */
  @JsonPropertyDescription("Node labels the sink pods must match.")
  private Map<String, String> nodeSelector;

  /** Tolerations of the sink pods. */
  @JsonPropertyDescription("Tolerations of the sink pods.")
  private List<Toleration> tolerations;

  /** Affinity of the sink pods. */
  @JsonPropertyDescription("Affinity of the sink pods.")
  private Affinity affinity;

  /** Topology spread constraints of the sink pods. */
  @JsonPropertyDescription("Topology spread constraints of the sink pods.")
  private List<TopologySpreadConstraint> topologySpreadConstraints;

  /** PriorityClass of the sink pods. */
  @JsonPropertyDescription("PriorityClass of the sink pods.")
  private String priorityClassName;

  /** Extra annotations on the sink pods. */
  @JsonPropertyDescription("Extra annotations on the sink pods.")
  private Map<String, String> podAnnotations;

  /** Extra labels on the sink pods (the app.kubernetes.io labels are the operator's). */
  @JsonPropertyDescription(
      "Extra labels on the sink pods (the app.kubernetes.io labels are the operator's).")
  private Map<String, String> podLabels;

  /**
   * Extra environment variables of the sink container, appended after the operator's; the variables
   * the operator sets (HUB_HOST, CLIENT_ID, ...) cannot be overridden.
   */
  @JsonPropertyDescription(
      "Extra environment variables of the sink container, appended after the operator's; the variables the operator sets (HUB_HOST, CLIENT_ID, ...) cannot be overridden.")
  @Size(max = 100)
  private List<EnvVar> env;

  /**
   * Seconds a terminating sink pod gets before it is killed; defaults to
   * runtime.drainTimeoutSeconds + 15 and must be above it.
   */
  @JsonPropertyDescription(
      "Seconds a terminating sink pod gets before it is killed; defaults to runtime.drainTimeoutSeconds + 15 and must be above it.")
  @Min(1)
  private Long terminationGracePeriodSeconds;

  /** An opt-in NetworkPolicy: no ingress, egress only to the Hub, DNS and extraEgress. */
  @JsonPropertyDescription(
      "An opt-in NetworkPolicy for the fleet's pods: no ingress, egress only to the Hub, DNS and"
          + " extraEgress.")
  @Default("{}")
  private NetworkPolicySpec networkPolicy = new NetworkPolicySpec();

  public NetworkPolicySpec getNetworkPolicy() {
    return networkPolicy;
  }

  public void setNetworkPolicy(NetworkPolicySpec networkPolicy) {
    this.networkPolicy = networkPolicy;
  }

  /** Voluntary-disruption limits (PodDisruptionBudget). */
  @JsonPropertyDescription("Voluntary-disruption limits (PodDisruptionBudget).")
  @Default("{}")
  private DisruptionSpec disruption = new DisruptionSpec();

  public String getSinkType() {
    return sinkType;
  }

  public void setSinkType(String sinkType) {
    this.sinkType = sinkType;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ImagePullPolicy getImagePullPolicy() {
    return imagePullPolicy;
  }

  public void setImagePullPolicy(ImagePullPolicy imagePullPolicy) {
    this.imagePullPolicy = imagePullPolicy;
  }

  public List<LocalObjectReference> getImagePullSecrets() {
    return imagePullSecrets;
  }

  public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
    this.imagePullSecrets = imagePullSecrets;
  }

  public HubSpec getHub() {
    return hub;
  }

  public void setHub(HubSpec hub) {
    this.hub = hub;
  }

  public AuthSpec getAuth() {
    return auth;
  }

  public void setAuth(AuthSpec auth) {
    this.auth = auth;
  }

  public TenantSpec getTenant() {
    return tenant;
  }

  public void setTenant(TenantSpec tenant) {
    this.tenant = tenant;
  }

  public RuntimeSpec getRuntime() {
    return runtime;
  }

  public void setRuntime(RuntimeSpec runtime) {
    this.runtime = runtime;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public AutoscalingSpec getAutoscaling() {
    return autoscaling;
  }

  public void setAutoscaling(AutoscalingSpec autoscaling) {
    this.autoscaling = autoscaling;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
    return topologySpreadConstraints;
  }

  public void setTopologySpreadConstraints(
      List<TopologySpreadConstraint> topologySpreadConstraints) {
    this.topologySpreadConstraints = topologySpreadConstraints;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public Map<String, String> getPodAnnotations() {
    return podAnnotations;
  }

  public void setPodAnnotations(Map<String, String> podAnnotations) {
    this.podAnnotations = podAnnotations;
  }

  public Map<String, String> getPodLabels() {
    return podLabels;
  }

  public void setPodLabels(Map<String, String> podLabels) {
    this.podLabels = podLabels;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public Long getTerminationGracePeriodSeconds() {
    return terminationGracePeriodSeconds;
  }

  public void setTerminationGracePeriodSeconds(Long terminationGracePeriodSeconds) {
    this.terminationGracePeriodSeconds = terminationGracePeriodSeconds;
  }

  public DisruptionSpec getDisruption() {
    return disruption;
  }

  public void setDisruption(DisruptionSpec disruption) {
    this.disruption = disruption;
  }
}
