package io.nexomatic.hub.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.auth.AuthInterceptor;
import io.nexomatic.hub.auth.Principal;
import io.nexomatic.hub.core.HubCore;
import io.nexomatic.hub.core.Session;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.LogAck;
import io.nexomatic.protocol.v1.LogChunk;
import io.nexomatic.protocol.v1.SinkHubGrpc;
import io.nexomatic.protocol.v1.SinkMessage;

/** The sinks' service: the control stream and the log stream. */
public final class SinkHubService extends SinkHubGrpc.SinkHubImplBase {
  private final HubCore core;
  private final HubConfig config;

  public SinkHubService(HubCore core, HubConfig config) {
    this.core = core;
    this.config = config;
  }

  @Override
  public StreamObserver<SinkMessage> connect(StreamObserver<HubMessage> responseObserver) {
    if (!(AuthInterceptor.PRINCIPAL.get() instanceof Principal.SinkClient sink)) {
      responseObserver.onError(
          Status.PERMISSION_DENIED
              .withDescription(
                  "the control stream is for sinks: authenticate with a Sink Type's client id"
                      + " and secret")
              .asRuntimeException());
      return NoopObserver.instance();
    }
    ControlStream stream = new ControlStream(core, sink, responseObserver);
    stream.start();
    return stream;
  }

  @Override
  public StreamObserver<LogChunk> streamLogs(StreamObserver<LogAck> responseObserver) {
    String sessionId = AuthInterceptor.SESSION_ID.get();
    Session session = sessionId == null ? null : core.session(sessionId);
    if (!(AuthInterceptor.PRINCIPAL.get() instanceof Principal.SinkClient sink)
        || session == null
        || !core.sessionBelongsTo(session, sink)) {
      responseObserver.onError(
          Status.FAILED_PRECONDITION
              .withDescription(
                  "the log stream needs x-nexomatic-session-id naming an open session of this"
                      + " sink (from Welcome)")
              .asRuntimeException());
      return NoopObserver.instance();
    }
    LogStream stream = new LogStream(core, session, config.maxLogChunkBytes(), responseObserver);
    stream.start();
    return stream;
  }
}
