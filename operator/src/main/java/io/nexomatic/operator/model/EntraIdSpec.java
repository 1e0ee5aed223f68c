package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The Entra ID (Azure AD) identity used with Azure Workload Identity. */
public class EntraIdSpec {

  /** The Entra ID directory (tenant) id; becomes AZURE_TENANT_ID. */
  @JsonPropertyDescription("The Entra ID directory (tenant) id; becomes AZURE_TENANT_ID.")
  @Required
  @Pattern(ModelPatterns.UUID)
  private String tenantId;

  /**
   * The client id of the managed identity or app registration federated with the fleet's
   * ServiceAccount; becomes AZURE_CLIENT_ID and the azure.workload.identity/client-id annotation.
   */
  @JsonPropertyDescription(
      "The client id of the managed identity or app registration federated with the fleet's ServiceAccount; becomes AZURE_CLIENT_ID and the azure.workload.identity/client-id annotation.")
  @Required
  @Pattern(ModelPatterns.UUID)
  private String clientId;

  public String getTenantId() {
    return tenantId;
  }

  public void setTenantId(String tenantId) {
    this.tenantId = tenantId;
  }

  public String getClientId() {
    return clientId;
  }

  public void setClientId(String clientId) {
    this.clientId = clientId;
  }
}
