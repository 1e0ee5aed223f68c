package io.nexomatic.hub.auth;

import java.util.Optional;

/** Who made a call, as established by {@link Authenticator}. */
public sealed interface Principal {

  /** The admin: may do everything. */
  record Admin() implements Principal {}

  /**
   * A Sink Type's credentials, optionally pinned to a tenant. May connect as a sink of that type
   * and read that type's queue stats and sinks.
   */
  record SinkClient(String sinkType, Optional<String> tenantUuid) implements Principal {}
}
