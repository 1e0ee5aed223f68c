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

  /** The method written as {@code value} in {@code AUTH_METHOD}, in any case. */
  static AuthMethod fromEnvValue(String value) {
    for (AuthMethod m : values()) {
      if (m.envValue.equalsIgnoreCase(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown AUTH_METHOD");
  }
}
