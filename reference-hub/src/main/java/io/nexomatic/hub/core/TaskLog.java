package io.nexomatic.hub.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The log of one attempt of one task as the Hub holds it: a contiguous prefix of the sink's
 * forwarded log, capped at the Hub's per-task limit (bytes past the cap are acknowledged and
 * counted but not kept, so the sink never resends them).
 */
final class TaskLog {
  final int attempt;
  private final long cap;

  /**
   * The kept bytes as the chunks that brought them, never copied into one growing array: a big log
   * then costs no re-copying as it grows and no huge contiguous allocation (logs bench).
   */
  private final List<byte[]> segments = new ArrayList<>();

  /** Offset of each segment's first byte, parallel to {@link #segments}. */
  private final List<Long> starts = new ArrayList<>();

  private long stored;
  private long end;
  private boolean eof;

  TaskLog(int attempt, long cap) {
    this.attempt = attempt;
    this.cap = cap;
  }

  /**
   * Appends a chunk at {@code offset}; overlapping bytes already held are skipped, a gap is refused
   * (null). Returns the bytes newly kept (possibly empty), which start at offset {@code
   * storedBytes() - result.length}, so the caller can persist them. The returned array is the log's
   * own: callers must not modify it.
   */
  synchronized byte[] append(long offset, byte[] data, boolean last) {
    if (offset > end) {
      return null; // gap: the sink resends from the acknowledged offset
    }
    int skip = (int) Math.min(data.length, end - offset);
    int fresh = data.length - skip;
    int keep = (int) Math.min(Math.max(0, cap - stored), fresh);
    byte[] kept =
        skip == 0 && keep == data.length ? data : Arrays.copyOfRange(data, skip, skip + keep);
    if (keep > 0) {
      starts.add(stored);
      segments.add(kept);
      stored += keep;
    }
    end += fresh;
    if (last && offset + data.length >= end) {
      eof = true;
    }
    return kept;
  }

  /** Where the log stands, so an append whose journal write failed can be taken back. */
  record Mark(int segments, long stored, long end, boolean eof) {}

  synchronized Mark mark() {
    return new Mark(segments.size(), stored, end, eof);
  }

  /** Takes back everything appended since the mark. */
  synchronized void rollback(Mark mark) {
    while (segments.size() > mark.segments()) {
      segments.remove(segments.size() - 1);
      starts.remove(starts.size() - 1);
    }
    stored = mark.stored();
    end = mark.end();
    eof = mark.eof();
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
    byte[] out = new byte[(int) Math.min(max, stored - from)];
    int i = Collections.binarySearch(starts, from);
    int seg = i >= 0 ? i : -i - 2; // the segment holding {@code from}
    int filled = 0;
    for (long pos = from; filled < out.length; seg++) {
      byte[] s = segments.get(seg);
      int in = (int) (pos - starts.get(seg));
      int n = Math.min(s.length - in, out.length - filled);
      System.arraycopy(s, in, out, filled, n);
      filled += n;
      pos += n;
    }
    return out;
  }
}
