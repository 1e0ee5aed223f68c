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
    unacked.addLast(chunk);
    if (chunk.eof()) {
      eofSeen = true;
    }
  }

  /** The Hub holds every byte before {@code offset}. */
  void ack(long offset) {
    acked = Math.max(acked, offset);
    while (!unacked.isEmpty() && unacked.peekFirst().endOffset() <= acked) {
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
