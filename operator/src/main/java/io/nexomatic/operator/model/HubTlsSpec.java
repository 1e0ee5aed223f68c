package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;

/** TLS towards the Hub. */
public class HubTlsSpec {

  /** Whether sinks connect with TLS. */
  @JsonPropertyDescription("Whether sinks connect with TLS.")
  @Default("false")
  private Boolean enabled = false;

  /**
   * A Secret key holding the PEM CA bundle that signs the Hub's certificate; when unset the image's
   * trust store is used. Mounted read-only; rotating it rolls the fleet.
   */
  @JsonPropertyDescription(
      "A Secret key holding the PEM CA bundle that signs the Hub's certificate; when unset the image's trust store is used. Mounted read-only; rotating it rolls the fleet.")
  private SecretKeyRef caSecretRef;

  /** Overrides the name checked against the Hub's certificate (defaults to hub.host). */
  @JsonPropertyDescription(
      "Overrides the name checked against the Hub's certificate (defaults to hub.host).")
  @Size(max = 253)
  private String serverName;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public SecretKeyRef getCaSecretRef() {
    return caSecretRef;
  }

  public void setCaSecretRef(SecretKeyRef caSecretRef) {
    this.caSecretRef = caSecretRef;
  }

  public String getServerName() {
    return serverName;
  }

  public void setServerName(String serverName) {
    this.serverName = serverName;
  }
}
