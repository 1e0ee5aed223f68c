package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Pins the fleet to one tenant; without it the sinks serve all tenants. */
@ValidationRule(
    value = SpecRules.TENANT_UUID_REQUIRED_RULE,
    message = SpecRules.TENANT_UUID_REQUIRED_MESSAGE)
public class TenantSpec {

  /** The tenant's UUID; becomes TENANT_UUID. */
  @JsonPropertyDescription("The tenant's UUID; becomes TENANT_UUID.")
  @Pattern(ModelPatterns.UUID)
  private String uuid;

  /** The Secret key holding the tenant's registration secret; needs uuid. */
  @JsonPropertyDescription("The Secret key holding the tenant's registration secret; needs uuid.")
  private SecretKeyRef secretRef;

  public String getUuid() {
    return uuid;
  }

  public void setUuid(String uuid) {
    this.uuid = uuid;
  }

  public SecretKeyRef getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretKeyRef secretRef) {
    this.secretRef = secretRef;
  }
}
