package io.nexomatic.sink.session;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.MetadataUtils;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.protocol.v1.LogAck;
import io.nexomatic.protocol.v1.LogChunk;
import io.nexomatic.protocol.v1.SinkHubGrpc;
import io.nexomatic.sink.log.OutputChunk;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log stream of a session: sends every attempt's unacknowledged chunks in order while the
 * transport is ready (manual flow control: the on-ready handler resumes where it stopped), and is
 * re-opened after a failure for as long as its session lives.
 */
final class LogChannel {
  private static final Logger log = LoggerFactory.getLogger(LogChannel.class);

  /** Delay before re-opening a log stream that failed while its session lives on. */
  static final long RETRY_MS = 1000;

  /** Log bytes the transport may queue before the log stream reports itself not ready. */
  static final int READY_BYTES = 1024 * 1024;

  private final Channel channel;
  private final SessionLoop loop;
  private final AttemptLedger ledger;
  private final ControlChannel control;
  private final Consumer<Attempt> acknowledged;
  private ClientCallStreamObserver<LogChunk> stream;

  /** {@code acknowledged} sees each attempt whose log the Hub acknowledged or discarded. */
  LogChannel(
      Channel channel,
      SessionLoop loop,
      AttemptLedger ledger,
      ControlChannel control,
      Consumer<Attempt> acknowledged) {
    this.channel = channel;
    this.loop = loop;
    this.ledger = ledger;
    this.control = control;
    this.acknowledged = acknowledged;
  }

  /** Opens the log stream of session {@code sessionId} and resends what the Hub has not acked. */
  void open(String sessionId) {
    Metadata headers = new Metadata();
    headers.put(ProtocolMetadata.SESSION_ID, sessionId);
    Observer observer = new Observer(sessionId);
    SinkHubGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        // gRPC's default (32 KiB) turns the stream unready after every 64 KiB chunk, so each chunk
        // waited for the transport to drain the one before; 1 MiB forwards about 30 % faster
        // (logs benchmark) and bounds what the transport holds per sink.
        .withOnReadyThreshold(READY_BYTES)
        .streamLogs(observer);
    stream = observer.stream;
    for (Attempt a : ledger.all()) {
      a.log.rewind();
    }
    flush();
  }

  /** Ends the stream (its session ended, or the sink stops). */
  void close(String why) {
    if (stream != null) {
      stream.cancel(why, null);
      stream = null;
    }
  }

  /** An attempt produced {@code chunk}. */
  void append(Attempt a, OutputChunk chunk) {
    a.log.add(chunk);
    a.trace.logged(chunk.data().length);
    flush();
  }

  /** Sends, in order and while the stream is ready, every chunk not yet sent on this stream. */
  private void flush() {
    if (stream == null) {
      return;
    }
    for (Attempt a : ledger.all()) {
      for (OutputChunk c : a.log.unsent()) {
        if (!stream.isReady()) {
          return; // the on-ready handler resumes here
        }
        stream.onNext(c.toProto());
        a.log.sent(c);
      }
    }
  }

  private void onAck(LogAck ack) {
    Attempt a = ledger.get(ack.getTask());
    if (a == null) {
      return;
    }
    if (ack.getDiscard()) {
      a.log.discard();
    } else {
      a.log.ack(ack.getAckedOffset());
    }
    if (a.log.done()) {
      a.trace.logDelivered();
    }
    acknowledged.accept(a);
  }

  private void closed(Observer which, Status status) {
    if (which.stream != stream) {
      return; // closed with its session
    }
    stream = null;
    log.warn("log stream closed ({}): re-opening it", status.getCode());
    loop.schedule(
        () -> {
          if (which.sessionId.equals(control.sessionId()) && stream == null) {
            open(which.sessionId);
          }
        },
        RETRY_MS);
  }

  /** The log stream's acknowledgements, readiness and end, handed to the loop. */
  private final class Observer extends HubStreamObserver<LogChunk, LogAck> {
    private final String sessionId;

    Observer(String sessionId) {
      super(LogChannel.this.loop);
      this.sessionId = sessionId;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<LogChunk> requestStream) {
      super.beforeStart(requestStream);
      requestStream.setOnReadyHandler(() -> loop.post(LogChannel.this::flush));
    }

    @Override
    void received(LogAck ack) {
      onAck(ack);
    }

    @Override
    void closed(Status status) {
      LogChannel.this.closed(this, status);
    }
  }
}
