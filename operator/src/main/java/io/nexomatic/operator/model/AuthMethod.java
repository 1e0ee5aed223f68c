package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How sinks authenticate to the Hub. */
public enum AuthMethod {
  /** The Sink Type's client secret, read from {@code auth.clientSecretRef}. */
  @JsonProperty("ClientSecret")
  CLIENT_SECRET,
  /** An Entra ID token obtained through Azure Workload Identity. */
  @JsonProperty("EntraId")
  ENTRA_ID
}
