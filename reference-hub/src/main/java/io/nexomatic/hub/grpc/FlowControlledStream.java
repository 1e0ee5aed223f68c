package io.nexomatic.hub.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bidirectional server stream with manual flow control: the next inbound message is requested
 * only while the outbound side is ready, so a peer that stops reading cannot make the Hub buffer
 * without bound (the pattern of grpc-java's manualflowcontrol example). Sends are serialized and
 * become no-ops once the stream is closed.
 */
abstract class FlowControlledStream<I, O> implements StreamObserver<I> {
  protected final ServerCallStreamObserver<O> out;
  private final AtomicBoolean wasReady = new AtomicBoolean(false);
  private boolean closed;

  FlowControlledStream(StreamObserver<O> responseObserver) {
    this.out = (ServerCallStreamObserver<O>) responseObserver;
  }

  /** Wires flow control; call once before returning the observer to gRPC. */
  final void start() {
    out.disableAutoRequest();
    out.setOnReadyHandler(
        () -> {
          if (out.isReady() && wasReady.compareAndSet(false, true)) {
            out.request(1);
          }
        });
    out.setOnCancelHandler(
        () -> {
          synchronized (this) {
            closed = true;
          }
          onClosed("cancelled by the peer");
        });
  }

  /** Handles one inbound message; a thrown StatusException fails the stream with its status. */
  abstract void handle(I message) throws io.grpc.StatusException;

  /** The stream ended, whichever side ended it. Called at most once per cause; idempotent. */
  abstract void onClosed(String why);

  @Override
  public final void onNext(I message) {
    try {
      handle(message);
    } catch (io.grpc.StatusException e) {
      fail(e.getStatus());
      return;
    } catch (RuntimeException e) {
      fail(
          Status.INTERNAL
              .withDescription("the Hub failed to handle the message: " + e)
              .withCause(e));
      return;
    }
    if (out.isReady()) {
      out.request(1);
    } else {
      wasReady.set(false);
    }
  }

  @Override
  public final void onError(Throwable t) {
    synchronized (this) {
      closed = true;
    }
    onClosed("stream error: " + Status.fromThrowable(t));
  }

  @Override
  public final void onCompleted() {
    synchronized (this) {
      if (!closed) {
        closed = true;
        out.onCompleted();
      }
    }
    onClosed("completed by the peer");
  }

  /** Sends a message unless the stream is closed. Never blocks. */
  public final synchronized void send(O message) {
    if (closed) {
      return;
    }
    try {
      out.onNext(message);
    } catch (RuntimeException e) {
      closed = true;
    }
  }

  /** Ends the stream with a status and releases whatever it held. */
  final void fail(Status status) {
    synchronized (this) {
      if (!closed) {
        closed = true;
        try {
          out.onError(status.asRuntimeException());
        } catch (RuntimeException ignored) {
          // the call was already gone
        }
      }
    }
    onClosed(status.getCode() + ": " + status.getDescription());
  }
}
