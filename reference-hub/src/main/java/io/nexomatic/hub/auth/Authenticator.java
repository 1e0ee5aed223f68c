package io.nexomatic.hub.auth;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.nexomatic.protocol.ProtocolMetadata;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Establishes the {@link Principal} of a call from its metadata. Failures say which part was wrong
 * (client id, client secret, token, tenant, tenant secret) and never echo a secret.
 */
public final class Authenticator {
  private final Supplier<Credentials> current;

  /** Checks calls against {@code current}, read once per call (it changes when the file does). */
  public Authenticator(Supplier<Credentials> current) {
    this.current = current;
  }

  /** Authenticates a call or throws UNAUTHENTICATED. */
  public Principal authenticate(Metadata headers) throws StatusException {
    Credentials credentials = current.get();
    String clientId = headers.get(ProtocolMetadata.CLIENT_ID);
    String bearer = bearerToken(headers);
    if (clientId == null || clientId.isEmpty()) {
      if (bearer != null && credentials.adminToken().matches(bearer)) {
        return new Principal.Admin();
      }
      throw unauthenticated(
          bearer == null
              ? "no credentials: send x-nexomatic-client-id with x-nexomatic-client-secret, or"
                  + " the admin token as 'authorization: Bearer <token>'"
              : "the admin token is wrong");
    }
    Credentials.SinkTypeCredentials type = credentials.sinkTypes().get(clientId);
    if (type == null) {
      throw unauthenticated(
          "unknown client id (Sink Type) '"
              + printable(clientId)
              + "': the Hub's credentials file has no such sink type");
    }
    String secret = headers.get(ProtocolMetadata.CLIENT_SECRET);
    if (secret != null) {
      if (type.clientSecrets().stream().noneMatch(h -> h.matches(secret))) {
        throw unauthenticated("the client secret for sink type '" + clientId + "' is wrong");
      }
    } else if (bearer != null) {
      if (type.bearerTokens().stream().noneMatch(h -> h.matches(bearer))) {
        throw unauthenticated(
            "the bearer token for sink type '" + clientId + "' is not accepted by this Hub");
      }
    } else {
      throw unauthenticated(
          "missing x-nexomatic-client-secret (or an Entra ID token) for sink type '"
              + clientId
              + "'");
    }
    return new Principal.SinkClient(clientId, tenant(credentials, headers));
  }

  private Optional<String> tenant(Credentials credentials, Metadata headers)
      throws StatusException {
    String tenant = headers.get(ProtocolMetadata.TENANT_UUID);
    if (tenant == null || tenant.isEmpty()) {
      return Optional.empty();
    }
    SecretHash expected = credentials.tenants().get(tenant);
    if (expected == null) {
      throw unauthenticated("unknown tenant '" + printable(tenant) + "'");
    }
    String secret = headers.get(ProtocolMetadata.TENANT_SECRET);
    if (secret == null || secret.isEmpty()) {
      throw unauthenticated("missing x-nexomatic-tenant-secret for tenant '" + tenant + "'");
    }
    if (!expected.matches(secret)) {
      throw unauthenticated("the tenant secret for tenant '" + tenant + "' is wrong");
    }
    return Optional.of(tenant);
  }

  private static String bearerToken(Metadata headers) {
    String auth = headers.get(ProtocolMetadata.AUTHORIZATION);
    if (auth == null || !auth.startsWith(ProtocolMetadata.BEARER_PREFIX)) {
      return null;
    }
    return auth.substring(ProtocolMetadata.BEARER_PREFIX.length()).trim();
  }

  /** Identifiers are echoed to help the caller, but bounded and stripped of control bytes. */
  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  private static StatusException unauthenticated(String message) {
    return Status.UNAUTHENTICATED.withDescription(message).asException();
  }
}
