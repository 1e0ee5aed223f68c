package io.nexomatic.sink.log;

import java.nio.charset.StandardCharsets;

/**
 * Applies MAX_LOG_BYTES: forwards the head as produced, then keeps only a ring buffer of the tail
 * while the producer keeps writing (so the task never blocks), and at the end forwards a marker
 * stating exactly how many bytes were dropped, followed by the tail. Memory is bounded by the tail
 * capacity; the head is streamed, never kept.
 */
public final class LogCapper {
  /** The tail never exceeds this, whatever MAX_LOG_BYTES is. */
  public static final int MAX_TAIL_BYTES = 1024 * 1024;

  private final long maxBytes;
  private final int tailCapacity;
  private final ByteOutput downstream;
  private long headWritten;
  private boolean headFull;
  private byte[] ring;
  private long overflow;
  private long forwarded;
  private long dropped;
  private boolean finished;

  /** A capper forwarding to {@code downstream}. */
  LogCapper(long maxBytes, ByteOutput downstream) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    this.maxBytes = maxBytes;
    this.tailCapacity = tailCapacity(maxBytes);
    this.downstream = downstream;
  }

  /** The tail kept for a cap: a quarter of it, at most 1 MiB. */
  public static int tailCapacity(long maxBytes) {
    return (int) Math.max(1, Math.min(maxBytes / 4, MAX_TAIL_BYTES));
  }

  /** Takes bytes in production order. */
  void write(byte[] b, int off, int len) {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    if (!headFull) {
      long room = maxBytes - headWritten;
      if (len <= room) {
        forward(b, off, len);
        headWritten += len;
        return;
      }
      int cut = (int) room;
      // End the head on a character boundary; the cut-off bytes belong to what follows.
      cut -= Utf8.incompleteTail(b, off, off + cut);
      forward(b, off, cut);
      headWritten += cut;
      headFull = true;
      off += cut;
      len -= cut;
    }
    keepTail(b, off, len);
  }

  private void keepTail(byte[] b, int off, int len) {
    if (len == 0) {
      return;
    }
    if (ring == null) {
      ring = new byte[tailCapacity];
    }
    // Only the last tailCapacity bytes of this write can survive.
    if (len > tailCapacity) {
      overflow += len - tailCapacity;
      off += len - tailCapacity;
      len = tailCapacity;
    }
    int pos = (int) (overflow % tailCapacity);
    int first = Math.min(len, tailCapacity - pos);
    System.arraycopy(b, off, ring, pos, first);
    System.arraycopy(b, off + first, ring, 0, len - first);
    overflow += len;
  }

  /** Forwards the marker and the tail when anything went past the head. Call once. */
  void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (overflow == 0) {
      return;
    }
    int tailLen = (int) Math.min(overflow, tailCapacity);
    byte[] tail = new byte[tailLen];
    int start = (int) ((overflow - tailLen) % tailCapacity);
    int first = Math.min(tailLen, tailCapacity - start);
    System.arraycopy(ring, start, tail, 0, first);
    System.arraycopy(ring, 0, tail, first, tailLen - first);
    ring = null;
    int skip = 0;
    if (overflow > tailLen) {
      // The tail starts mid-stream: begin it on a character boundary.
      skip = Utf8.leadingContinuations(tail, 0, tailLen);
    }
    dropped = overflow - tailLen + skip;
    if (dropped > 0) {
      byte[] marker = marker(dropped, maxBytes, tailLen - skip);
      forward(marker, 0, marker.length);
    }
    forward(tail, skip, tailLen - skip);
  }

  /** The truncation marker line. */
  static byte[] marker(long dropped, long maxBytes, long kept) {
    return ("\n[nexomatic: "
            + dropped
            + " bytes dropped by MAX_LOG_BYTES="
            + maxBytes
            + "; last "
            + kept
            + " bytes follow]\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private void forward(byte[] b, int off, int len) {
    if (len > 0) {
      downstream.write(b, off, len);
      forwarded += len;
    }
  }

  /** Bytes forwarded so far. */
  public long forwardedBytes() {
    return forwarded;
  }

  /** Bytes dropped; final after {@link #finish()}. */
  public long droppedBytes() {
    return dropped;
  }

  /** Bytes of output this capper holds in memory (the tail ring buffer, once allocated). */
  public long retainedBytes() {
    return ring == null ? 0 : ring.length;
  }

  /** The tail capacity in bytes. */
  public int tailCapacity() {
    return tailCapacity;
  }
}
