package io.nexomatic.hub.core;

/** One established control stream of a sink. Guarded by {@link HubCore}'s lock. */
public final class Session {
  final String id;
  final SinkRecord sink;
  final SessionHandle handle;

  /** Offers the Hub may still send: the sink's grants minus offers sent. */
  long credits;

  long lastMessageAt;
  boolean closed;

  Session(String id, SinkRecord sink, SessionHandle handle, long now) {
    this.id = id;
    this.sink = sink;
    this.handle = handle;
    this.lastMessageAt = now;
  }

  /** The session id sent in Welcome. */
  public String id() {
    return id;
  }

  /** The sink's uuid. */
  public String sinkUuid() {
    return sink.uuid;
  }

  boolean canTakeOffer() {
    return !closed
        && credits > 0
        && !sink.draining
        && !sink.backpressured
        && sink.status == io.nexomatic.protocol.v1.SinkStatus.ONLINE;
  }
}
