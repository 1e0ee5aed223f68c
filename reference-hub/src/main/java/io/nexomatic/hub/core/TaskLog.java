package io.nexomatic.hub.core;

import java.util.Arrays;

/**
 * The log of one attempt of one task as the Hub holds it: a contiguous prefix of the sink's
 * forwarded log, capped at the Hub's per-task limit (bytes past the cap are acknowledged and
 * counted but not kept, so the sink never resends them).
 */
final class TaskLog {
  final int attempt;
  private final long cap;
  private byte[] buf = new byte[0];
  private int stored;
  private long end;
  private boolean eof;

  TaskLog(int attempt, long cap) {
    this.attempt = attempt;
    this.cap = cap;
  }

  /**
   * Appends a chunk at {@code offset}; overlapping bytes already held are skipped, a gap is refused
   * (null). Returns the bytes newly kept (possibly empty), which start at offset {@code
   * storedBytes() - result.length}, so the caller can persist them.
   */
  synchronized byte[] append(long offset, byte[] data, boolean last) {
    if (offset > end) {
      return null; // gap: the sink resends from the acknowledged offset
    }
    int skip = (int) Math.min(data.length, end - offset);
    byte[] fresh = Arrays.copyOfRange(data, skip, data.length);
    long room = Math.max(0, cap - stored);
    int keep = (int) Math.min(room, fresh.length);
    if (keep > 0) {
      ensure(stored + keep);
      System.arraycopy(fresh, 0, buf, stored, keep);
      stored += keep;
    }
    end += fresh.length;
    if (last && offset + data.length >= end) {
      eof = true;
    }
    return keep == fresh.length ? fresh : Arrays.copyOf(fresh, keep);
  }

  /** Restores a stored log at start-up. */
  synchronized void restore(byte[] data, boolean wasEof) {
    append(0, data, wasEof);
  }

  /** All bytes before this offset are acknowledged. */
  synchronized long acked() {
    return end;
  }

  synchronized boolean eof() {
    return eof;
  }

  synchronized long storedBytes() {
    return stored;
  }

  /** Up to {@code max} stored bytes from {@code from}. */
  synchronized byte[] read(long from, int max) {
    if (from >= stored) {
      return new byte[0];
    }
    int n = (int) Math.min(max, stored - from);
    return Arrays.copyOfRange(buf, (int) from, (int) from + n);
  }

  private void ensure(int capacity) {
    if (buf.length < capacity) {
      buf = Arrays.copyOf(buf, Math.max(capacity, Math.min((int) cap, buf.length * 2 + 4096)));
    }
  }
}
