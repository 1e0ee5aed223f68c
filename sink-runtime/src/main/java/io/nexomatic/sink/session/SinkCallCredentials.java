package io.nexomatic.sink.session;

import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.sink.config.Secret;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The sink's credentials on every call: the client id with the client secret or with a bearer
 * token, and the pinned tenant with its secret.
 *
 * <p>They are {@link CallCredentials}, not a plain interceptor, because fetching a token may block
 * on HTTP for up to its timeout: that runs on a thread of its own, never on the caller's (the
 * session's loop) nor on a transport thread (the sink's channel runs callbacks directly), and a
 * failed fetch fails only that call (UNAUTHENTICATED), which the session answers with backoff.
 */
public final class SinkCallCredentials extends CallCredentials {
  /** Token fetches; idle threads end after a minute, so a secret-only sink never has one. */
  private static final Executor TOKEN_FETCHES =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "sink-token-fetch");
            t.setDaemon(true);
            return t;
          });

  private final String clientId;
  private final Optional<Secret> clientSecret;
  private final Optional<Supplier<String>> bearerToken;
  private final Optional<UUID> tenant;
  private final Optional<Secret> tenantSecret;

  /** Credentials with either a client secret or a token source (tokens rotate: asked per call). */
  public SinkCallCredentials(
      String clientId,
      Optional<Secret> clientSecret,
      Optional<Supplier<String>> bearerToken,
      Optional<UUID> tenant,
      Optional<Secret> tenantSecret) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.bearerToken = bearerToken;
    this.tenant = tenant;
    this.tenantSecret = tenantSecret;
  }

  /** Client-secret credentials without a tenant pin (tests and simple set-ups). */
  public static SinkCallCredentials clientSecret(String clientId, Secret secret) {
    return new SinkCallCredentials(
        clientId, Optional.of(secret), Optional.empty(), Optional.empty(), Optional.empty());
  }

  @Override
  public void applyRequestMetadata(
      RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
    // Secrets are in memory already: no reason to leave the caller's thread for them.
    Executor executor = bearerToken.isPresent() ? TOKEN_FETCHES : appExecutor;
    executor.execute(
        () -> {
          Metadata headers = new Metadata();
          headers.put(ProtocolMetadata.CLIENT_ID, clientId);
          try {
            clientSecret.ifPresent(s -> headers.put(ProtocolMetadata.CLIENT_SECRET, s.reveal()));
            if (bearerToken.isPresent()) {
              headers.put(
                  ProtocolMetadata.AUTHORIZATION,
                  ProtocolMetadata.BEARER_PREFIX + bearerToken.get().get());
            }
          } catch (RuntimeException e) {
            // The message names the token endpoint's answer; it never holds the assertion or token.
            applier.fail(
                Status.UNAUTHENTICATED
                    .withDescription("no access token for the Hub: " + e.getMessage())
                    .withCause(e));
            return;
          }
          tenant.ifPresent(u -> headers.put(ProtocolMetadata.TENANT_UUID, u.toString()));
          tenantSecret.ifPresent(s -> headers.put(ProtocolMetadata.TENANT_SECRET, s.reveal()));
          applier.apply(headers);
        });
  }

  /** {@code channel} with these credentials attached to every call made on it. */
  public Channel attachTo(Channel channel) {
    SinkCallCredentials self = this;
    return ClientInterceptors.intercept(
        channel,
        new ClientInterceptor() {
          @Override
          public <Q, R> ClientCall<Q, R> interceptCall(
              MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return next.newCall(method, options.withCallCredentials(self));
          }
        });
  }
}
