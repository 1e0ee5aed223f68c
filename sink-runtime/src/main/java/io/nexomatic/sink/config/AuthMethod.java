package io.nexomatic.sink.config;

/** How the sink authenticates to the Hub ({@code AUTH_METHOD}). */
public enum AuthMethod {
  /** Client id + client secret in call metadata. */
  CLIENT_SECRET("client_secret"),
  /** An Entra ID token obtained with the workload identity federated token. */
  ENTRA_ID("entra_id");

  private final String envValue;

  AuthMethod(String envValue) {
    this.envValue = envValue;
  }

  /** The value as written in {@code AUTH_METHOD}. */
  public String envValue() {
    return envValue;
  }
}
