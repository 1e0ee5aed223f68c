package io.nexomatic.sink.session;

import io.nexomatic.sink.log.OutputChunk;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One attempt's forwarded log chunks that the Hub has not acknowledged yet. Bounded because the
 * forwarded log of an attempt is (MAX_LOG_BYTES + tail); resent from the acknowledged offset after
 * a reconnect, so output survives a Hub restart or a network cut.
 */
final class LogBuffer {
  private final Deque<OutputChunk> unacked = new ArrayDeque<>();
  private long acked;
  private boolean eofSeen;

  void add(OutputChunk chunk) {
    if (chunk.eof() && chunk.offset() == 0 && chunk.data().length == 0) {
      // No output at all: nothing to send. The result's LogSummary (0 bytes forwarded) tells the
      // Hub the log is complete, which saves a chunk and its acknowledgement per silent task.
      eofSeen = true;
      return;
    }
    unacked.addLast(chunk);
    if (chunk.eof()) {
      eofSeen = true;
    }
  }

  /**
   * The Hub holds every byte before {@code offset}. An empty end-of-log chunk ends where the data
   * before it ends, so the acknowledgement of that data covers it too: unless it has been sent
   * ({@code eofSent}), it stays, or the Hub would never learn that the log ended.
   */
  void ack(long offset, boolean eofSent) {
    acked = Math.max(acked, offset);
    while (!unacked.isEmpty()
        && unacked.peekFirst().endOffset() <= acked
        && (eofSent || !unacked.peekFirst().eof())) {
      unacked.removeFirst();
    }
  }

  /** Chunks to (re)send, oldest first. */
  List<OutputChunk> pending() {
    return List.copyOf(unacked);
  }

  /** The whole log, up to its end, is acknowledged. */
  boolean complete() {
    return eofSeen && unacked.isEmpty();
  }

  long bytesHeld() {
    return unacked.stream().mapToLong(c -> c.data().length).sum();
  }
}
