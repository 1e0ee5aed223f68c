package io.nexomatic.hub.auth;

import java.util.List;
import java.util.Map;

/**
 * Who may talk to the Hub: Sink Types with their client secrets, tenants with their registration
 * secrets, and the admin token. Everything secret is held hashed.
 *
 * @param sinkTypes by Sink Type id (e.g. "LOCAL:BASE")
 * @param tenants by tenant uuid
 * @param adminToken the admin token's hash
 */
public record Credentials(
    Map<String, SinkTypeCredentials> sinkTypes,
    Map<String, SecretHash> tenants,
    SecretHash adminToken) {

  /**
   * One Sink Type's credentials.
   *
   * @param clientSecrets hashes of the accepted client secrets: one, or two while a rotation is
   *     under way; none when the type only uses tokens
   * @param bearerTokens hashes of bearer tokens accepted for this type (the reference Hub's
   *     stand-in for validating Entra ID access tokens)
   */
  public record SinkTypeCredentials(List<SecretHash> clientSecrets, List<SecretHash> bearerTokens) {
    public SinkTypeCredentials {
      clientSecrets = List.copyOf(clientSecrets);
      bearerTokens = List.copyOf(bearerTokens);
    }
  }

  public Credentials {
    sinkTypes = Map.copyOf(sinkTypes);
    tenants = Map.copyOf(tenants);
  }
}
