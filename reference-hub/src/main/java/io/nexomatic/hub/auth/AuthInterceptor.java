package io.nexomatic.hub.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusException;
import io.nexomatic.protocol.ProtocolMetadata;

/** Authenticates every call of the services it wraps and exposes the {@link Principal}. */
public final class AuthInterceptor implements ServerInterceptor {
  /** The authenticated caller of the current call. */
  public static final Context.Key<Principal> PRINCIPAL = Context.key("nexomatic-principal");

  /** The session id a log stream names in its metadata, or null. */
  public static final Context.Key<String> SESSION_ID = Context.key("nexomatic-session-id");

  private final Authenticator authenticator;

  public AuthInterceptor(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Principal principal;
    try {
      principal = authenticator.authenticate(headers);
    } catch (StatusException e) {
      call.close(e.getStatus(), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(
        Context.current()
            .withValue(PRINCIPAL, principal)
            .withValue(SESSION_ID, headers.get(ProtocolMetadata.SESSION_ID)),
        call,
        headers,
        next);
  }
}
