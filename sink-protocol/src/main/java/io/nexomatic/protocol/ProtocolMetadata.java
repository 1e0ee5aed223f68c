package io.nexomatic.protocol;

import io.grpc.Metadata;

/** Call-metadata keys of the Nexomatic sink protocol (see sink.proto's header). */
public final class ProtocolMetadata {
  /** The Sink Type the caller authenticates as. */
  public static final Metadata.Key<String> CLIENT_ID =
      Metadata.Key.of("x-nexomatic-client-id", Metadata.ASCII_STRING_MARSHALLER);

  /** The Sink Type's client secret. */
  public static final Metadata.Key<String> CLIENT_SECRET =
      Metadata.Key.of("x-nexomatic-client-secret", Metadata.ASCII_STRING_MARSHALLER);

  /** "Bearer &lt;token&gt;": an Entra ID access token or the admin token. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** The tenant a pinned sink serves. */
  public static final Metadata.Key<String> TENANT_UUID =
      Metadata.Key.of("x-nexomatic-tenant-uuid", Metadata.ASCII_STRING_MARSHALLER);

  /** The pinned tenant's registration secret. */
  public static final Metadata.Key<String> TENANT_SECRET =
      Metadata.Key.of("x-nexomatic-tenant-secret", Metadata.ASCII_STRING_MARSHALLER);

  /** The session id from Welcome, sent on the log stream. */
  public static final Metadata.Key<String> SESSION_ID =
      Metadata.Key.of("x-nexomatic-session-id", Metadata.ASCII_STRING_MARSHALLER);

  /** The prefix of an authorization header value carrying a token. */
  public static final String BEARER_PREFIX = "Bearer ";

  private ProtocolMetadata() {}
}
