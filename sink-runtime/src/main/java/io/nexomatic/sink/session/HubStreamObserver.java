package io.nexomatic.sink.session;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * One stream to the Hub, seen from the loop: every message and the stream's end are handed to the
 * loop, so a gRPC thread never touches session state. A Hub that completes the stream ends it as an
 * unavailable one: the session reconnects either way.
 */
abstract class HubStreamObserver<ReqT, RespT> implements ClientResponseObserver<ReqT, RespT> {
  private final SessionLoop loop;
  ClientCallStreamObserver<ReqT> stream;

  HubStreamObserver(SessionLoop loop) {
    this.loop = loop;
  }

  /** A message from the Hub, on the loop. */
  abstract void received(RespT message);

  /** The stream ended, on the loop. */
  abstract void closed(Status status);

  @Override
  public void beforeStart(ClientCallStreamObserver<ReqT> requestStream) {
    this.stream = requestStream;
  }

  @Override
  public final void onNext(RespT message) {
    loop.post(() -> received(message));
  }

  @Override
  public final void onError(Throwable t) {
    loop.post(() -> closed(Status.fromThrowable(t)));
  }

  @Override
  public final void onCompleted() {
    loop.post(() -> closed(Status.UNAVAILABLE.withDescription("closed by the Hub")));
  }
}
