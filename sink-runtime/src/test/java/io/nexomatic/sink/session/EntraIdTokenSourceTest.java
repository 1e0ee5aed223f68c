package io.nexomatic.sink.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.sink.testing.TestingTaskExecutor;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entra ID workload identity: the client-assertion flow against a local token endpoint. */
class EntraIdTokenSourceTest {
  private static final String TENANT = "11111111-2222-3333-4444-555555555555";
  private static final String SCOPE = "api://nexomatic-hub/.default";

  @TempDir Path tmp;
  private HttpServer endpoint;
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String body = "{\"access_token\":\"tok-1\",\"expires_in\":100}";
  private final MovableClock clock = new MovableClock();
  private Path tokenFile;

  @BeforeEach
  void startEndpoint() throws IOException {
    tokenFile = tmp.resolve("azure-identity-token");
    Files.writeString(tokenFile, "federated-assertion-1\n");
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.createContext(
        "/",
        exchange -> {
          paths.add(exchange.getRequestURI().getPath());
          requests.add(
              form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          byte[] out = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, out.length);
          try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
          }
        });
    endpoint.start();
  }

  @AfterEach
  void stopEndpoint() {
    endpoint.stop(0);
  }

  private EntraIdTokenSource source() {
    URI authority = URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/");
    return new EntraIdTokenSource(
        authority, TENANT, "client-app-id", SCOPE, tokenFile, HttpClient.newHttpClient(), clock);
  }

  private static Map<String, String> form(String encoded) {
    Map<String, String> m = new HashMap<>();
    for (String pair : encoded.split("&")) {
      String[] kv = pair.split("=", 2);
      m.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return m;
  }

  @Test
  void exchangesTheFederatedTokenByTheClientAssertionFlowAndCachesTheAccessToken() {
    EntraIdTokenSource source = source();
    assertThat(source.get()).isEqualTo("tok-1");
    assertThat(source.get()).isEqualTo("tok-1");
    assertThat(requests).hasSize(1);
    assertThat(paths).containsExactly("/" + TENANT + "/oauth2/v2.0/token");
    assertThat(requests.get(0))
        .containsEntry("grant_type", "client_credentials")
        .containsEntry("client_id", "client-app-id")
        .containsEntry("scope", SCOPE)
        .containsEntry(
            "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        .containsEntry("client_assertion", "federated-assertion-1");
  }

  @Test
  void refreshesBeforeExpiryAndRereadsTheRotatedTokenFile() throws IOException {
    EntraIdTokenSource source = source();
    assertThat(source.get()).isEqualTo("tok-1");
    clock.advance(Duration.ofSeconds(79)); // 100 s token, refreshed with a fifth of it left
    assertThat(source.get()).isEqualTo("tok-1");
    assertThat(requests).hasSize(1);
    Files.writeString(tokenFile, "federated-assertion-2\n"); // the kubelet rotated it
    body = "{\"access_token\":\"tok-2\",\"expires_in\":100}";
    clock.advance(Duration.ofSeconds(2));
    assertThat(source.get()).isEqualTo("tok-2");
    assertThat(requests.get(1)).containsEntry("client_assertion", "federated-assertion-2");
  }

  @Test
  void aRefusedExchangeNamesTheErrorAndNeverTheAssertion() {
    status = 400;
    body =
        "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS700016: Application not"
            + " found\"}";
    assertThatThrownBy(() -> source().get())
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("invalid_client")
        .hasMessageContaining("AADSTS700016")
        .hasMessageNotContaining("federated-assertion-1");
  }

  @Test
  void aFailedEarlyRefreshKeepsTheStillValidToken() {
    EntraIdTokenSource source = source();
    assertThat(source.get()).isEqualTo("tok-1");
    status = 503;
    body = "{\"error\":\"temporarily_unavailable\"}";
    clock.advance(Duration.ofSeconds(85));
    assertThat(source.get()).isEqualTo("tok-1");
    clock.advance(Duration.ofSeconds(10)); // 5 s of validity left: no longer good enough
    assertThatThrownBy(source::get).hasMessageContaining("temporarily_unavailable");
  }

  @Test
  void aMissingTokenFileIsReportedByPath() throws IOException {
    Files.delete(tokenFile);
    assertThatThrownBy(() -> source().get()).hasMessageContaining(tokenFile.toString());
  }

  @Test
  void theHubAcceptsTheSinkWithTheExchangedToken() throws Exception {
    body = "{\"access_token\":\"" + TestCredentials.BASE_TOKEN + "\",\"expires_in\":3600}";
    String name = "hub-" + UUID.randomUUID();
    HubConfig config = HubConfig.builder().heartbeatInterval(Duration.ofMillis(200)).build();
    try (HubServer hub =
        new HubServer(
                InProcessServerBuilder.forName(name),
                config,
                TestCredentials.credentials(),
                TaskJournal.inMemory())
            .start()) {
      ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
      SinkCallCredentials creds =
          new SinkCallCredentials(
              TestCredentials.BASE,
              Optional.empty(),
              Optional.of(source()),
              Optional.empty(),
              Optional.empty());
      SessionSettings settings =
          new SessionSettings(
              UUID.randomUUID().toString(),
              TestCredentials.BASE,
              "",
              1,
              0,
              10,
              Duration.ofSeconds(1),
              Duration.ofMillis(200),
              "test",
              "",
              "",
              "host",
              0,
              false);
      HubSession session =
          new HubSession(
              settings,
              creds.attachTo(channel),
              new TestingTaskExecutor(),
              new HubSession.Listener() {},
              Clock.systemUTC(),
              OpenTelemetry.noop());
      session.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  hub.core().stats(TestCredentials.BASE, "").getStats(0).getConnectedSinks() == 1);
      assertThat(session.drain().get(30, TimeUnit.SECONDS)).isZero();
      channel.shutdownNow();
    }
  }

  /** A clock the test moves by hand. */
  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
