package io.nexomatic.hub.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import io.nexomatic.hub.core.HubCore;
import io.nexomatic.hub.core.Session;
import io.nexomatic.protocol.v1.LogAck;
import io.nexomatic.protocol.v1.LogChunk;

/** One sink's log stream: appends chunks and acknowledges the highest contiguous offset. */
final class LogStream extends FlowControlledStream<LogChunk, LogAck> {
  private final HubCore core;
  private final Session session;
  private final int maxChunkBytes;

  LogStream(HubCore core, Session session, int maxChunkBytes, StreamObserver<LogAck> out) {
    super(out);
    this.core = core;
    this.session = session;
    this.maxChunkBytes = maxChunkBytes;
  }

  @Override
  void handle(LogChunk chunk) throws StatusException {
    if (chunk.getTask().getTaskId().isEmpty() || chunk.getTask().getAttempt() < 1) {
      throw Status.INVALID_ARGUMENT
          .withDescription("LogChunk.task: task_id and attempt >= 1 are required")
          .asException();
    }
    if (chunk.getData().size() > maxChunkBytes) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "LogChunk.data: "
                  + chunk.getData().size()
                  + " bytes exceeds the limit of "
                  + maxChunkBytes
                  + " (Welcome.limits.max_log_chunk_bytes)")
          .asException();
    }
    send(core.appendLog(session, chunk));
  }

  @Override
  void onClosed(String why) {
    // Nothing is held per log stream: unacknowledged bytes are resent by the sink.
  }
}
