package io.nexomatic.sink.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Entra ID access tokens by the OAuth client-assertion flow (Azure Workload Identity): the
 * federated token file's content is the client assertion. The file is re-read on every refresh
 * because the kubelet rotates it; a token is refreshed once less than a fifth of its life (and at
 * most five minutes) remains.
 */
public final class EntraIdTokenSource implements Supplier<String> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The least validity a token kept after a failed refresh must have left: enough for a session
   * opened with it to be authenticated, since the Hub checks the token only when a stream opens.
   */
  static final Duration MIN_REMAINING_VALIDITY = Duration.ofSeconds(10);

  private final URI tokenEndpoint;
  private final String clientId;
  private final String scope;
  private final Path federatedTokenFile;
  private final HttpClient http;
  private final Clock clock;
  private String token;
  private Instant refreshAt = Instant.MIN;
  private Instant expiresAt = Instant.MIN;

  /** A token source for {@code tenantId}'s token endpoint under {@code authorityHost}. */
  public EntraIdTokenSource(
      URI authorityHost,
      String tenantId,
      String clientId,
      String scope,
      Path federatedTokenFile,
      HttpClient http,
      Clock clock) {
    String base =
        authorityHost.toString().endsWith("/") ? authorityHost.toString() : authorityHost + "/";
    this.tokenEndpoint = URI.create(base + tenantId + "/oauth2/v2.0/token");
    this.clientId = clientId;
    this.scope = scope;
    this.federatedTokenFile = federatedTokenFile;
    this.http = http;
    this.clock = clock;
  }

  /**
   * A valid access token, fetching a new one when due. A failed early refresh keeps the current
   * token while it is still valid for another {@link #MIN_REMAINING_VALIDITY}, so a brief outage of
   * the token endpoint does not drop the sink's session.
   */
  @Override
  public synchronized String get() {
    Instant now = clock.instant();
    if (token != null && now.isBefore(refreshAt)) {
      return token;
    }
    try {
      refresh();
    } catch (IllegalStateException e) {
      if (token != null && now.plus(MIN_REMAINING_VALIDITY).isBefore(expiresAt)) {
        return token;
      }
      throw e;
    }
    return token;
  }

  private void refresh() {
    try {
      String assertion = Files.readString(federatedTokenFile).trim();
      String form =
          "grant_type=client_credentials"
              + "&client_id="
              + enc(clientId)
              + "&scope="
              + enc(scope)
              + "&client_assertion_type="
              + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
              + "&client_assertion="
              + enc(assertion);
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(tokenEndpoint)
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(form))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !body.hasNonNull("access_token")) {
        // The error description names the problem (e.g. AADSTS70021); it holds no secret.
        throw new IllegalStateException(
            "Entra ID token request to "
                + tokenEndpoint
                + " failed with HTTP "
                + response.statusCode()
                + ": "
                + body.path("error").asText("")
                + " "
                + body.path("error_description").asText(""));
      }
      token = body.get("access_token").asText();
      long lifetime = body.path("expires_in").asLong(3600);
      long margin = Math.min(lifetime / 5, 300);
      Instant now = clock.instant();
      refreshAt = now.plusSeconds(Math.max(1, lifetime - margin));
      expiresAt = now.plusSeconds(lifetime);
    } catch (IOException e) {
      throw new IllegalStateException("cannot get an Entra ID token: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while getting an Entra ID token", e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
