package io.nexomatic.sink.log;

/**
 * UTF-8 boundary arithmetic on raw bytes; invalid input is treated as complete, never waited on.
 */
final class Utf8 {
  private Utf8() {}

  /** True for a continuation byte (10xxxxxx). */
  static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }

  /** The length of the sequence {@code lead} starts, or 0 when it cannot start one. */
  static int sequenceLength(byte lead) {
    int b = lead & 0xFF;
    if (b < 0x80) {
      return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
      return 2;
    }
    if (b >= 0xE0 && b <= 0xEF) {
      return 3;
    }
    if (b >= 0xF0 && b <= 0xF4) {
      return 4;
    }
    return 0;
  }

  /**
   * How many bytes at the end of {@code buf[from, to)} form the start of a valid multi-byte
   * sequence still missing bytes (0-3). Those are the bytes to hold back until more arrive.
   */
  static int incompleteTail(byte[] buf, int from, int to) {
    int i = to - 1;
    int continuations = 0;
    while (i >= from && continuations < 3 && isContinuation(buf[i])) {
      i--;
      continuations++;
    }
    if (i < from) {
      return 0;
    }
    int len = sequenceLength(buf[i]);
    int have = to - i;
    return len > 1 && have < len ? have : 0;
  }

  /** How many leading continuation bytes (at most 3) to skip to start at a character boundary. */
  static int leadingContinuations(byte[] buf, int from, int to) {
    int i = from;
    while (i < to && i - from < 3 && isContinuation(buf[i])) {
      i++;
    }
    return i - from;
  }
}
