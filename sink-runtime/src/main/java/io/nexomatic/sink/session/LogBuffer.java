package io.nexomatic.sink.session;

import io.nexomatic.sink.log.OutputChunk;
import java.util.ArrayDeque;
import java.util.ArrayList;
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

  /** Highest offset sent on the current log stream (-1: resend from the acknowledged offset). */
  private long sentUpTo = -1;

  private boolean eofSent;

  /** The Hub does not want this log (fenced, released, or not recorded). */
  private boolean discarded;

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

  /** The Hub acknowledged every byte before {@code offset} on the current stream. */
  void ack(long offset) {
    ack(offset, eofSent);
  }

  /** Chunks not sent on the current stream yet, oldest first. */
  List<OutputChunk> unsent() {
    List<OutputChunk> unsent = new ArrayList<>();
    for (OutputChunk c : unacked) {
      if (!(c.eof() ? eofSent : c.endOffset() <= sentUpTo)) {
        unsent.add(c);
      }
    }
    return unsent;
  }

  /** {@code c} went out on the current stream. */
  void sent(OutputChunk c) {
    sentUpTo = Math.max(sentUpTo, c.endOffset());
    eofSent |= c.eof();
  }

  /** A new stream: resend from what the Hub acknowledged. */
  void rewind() {
    sentUpTo = -1;
    eofSent = false;
  }

  /** The Hub wants no log for this attempt. */
  void discard() {
    discarded = true;
  }

  /** The Hub holds the whole log, or does not want it. */
  boolean done() {
    return discarded || complete();
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
