package io.nexomatic.hub.core;

import io.grpc.Status;
import io.nexomatic.protocol.v1.HubMessage;

/** How the Hub core talks to one connected sink; implemented by the gRPC layer. */
public interface SessionHandle {
  /** Queues a message to the sink. Never blocks. */
  void send(HubMessage message);

  /** Ends the control stream with a status. */
  void close(Status status);
}
