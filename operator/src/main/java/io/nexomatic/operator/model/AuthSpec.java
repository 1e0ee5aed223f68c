package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/** How sinks authenticate to the Hub. */
@ValidationRule(
    value = SpecRules.CLIENT_SECRET_REQUIRED_RULE,
    message = SpecRules.CLIENT_SECRET_REQUIRED_MESSAGE)
@ValidationRule(
    value = SpecRules.ENTRA_ID_REQUIRED_RULE,
    message = SpecRules.ENTRA_ID_REQUIRED_MESSAGE)
public class AuthSpec {

  /** ClientSecret (the Sink Type's client secret) or EntraId (Azure Workload Identity). */
  @JsonPropertyDescription(
      "ClientSecret (the Sink Type's client secret) or EntraId (Azure Workload Identity).")
  @Default("ClientSecret")
  private AuthMethod method = AuthMethod.CLIENT_SECRET;

  /** The Secret key holding the Sink Type's client secret; required for ClientSecret. */
  @JsonPropertyDescription(
      "The Secret key holding the Sink Type's client secret; required for ClientSecret.")
  private SecretKeyRef clientSecretRef;

  /** The Entra ID application the sinks act as; required for EntraId. */
  @JsonPropertyDescription("The Entra ID application the sinks act as; required for EntraId.")
  private EntraIdSpec entraId;

  public AuthMethod getMethod() {
    return method;
  }

  public void setMethod(AuthMethod method) {
    this.method = method;
  }

  public SecretKeyRef getClientSecretRef() {
    return clientSecretRef;
  }

  public void setClientSecretRef(SecretKeyRef clientSecretRef) {
    this.clientSecretRef = clientSecretRef;
  }

  public EntraIdSpec getEntraId() {
    return entraId;
  }

  public void setEntraId(EntraIdSpec entraId) {
    this.entraId = entraId;
  }
}
