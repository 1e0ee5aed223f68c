package io.nexomatic.hub.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Hub's copy of one attempt's log: contiguous, deduplicated, capped, readable anywhere. */
class TaskLogTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String read(TaskLog log, long from, int max) {
    return new String(log.read(from, max), StandardCharsets.US_ASCII);
  }

  @Test
  void readsSpanTheChunksTheLogArrivedIn() {
    TaskLog log = new TaskLog(1, 1024);
    log.append(0, b("abc"), false);
    log.append(3, b("defg"), false);
    log.append(7, b("h"), false);
    log.append(8, b("ijklmn"), true);

    assertThat(read(log, 0, 100)).isEqualTo("abcdefghijklmn");
    assertThat(read(log, 2, 7)).isEqualTo("cdefghi");
    assertThat(read(log, 3, 4)).isEqualTo("defg");
    assertThat(read(log, 7, 1)).isEqualTo("h");
    assertThat(read(log, 13, 10)).isEqualTo("n");
    assertThat(read(log, 14, 10)).isEmpty();
    assertThat(log.eof()).isTrue();
  }

  @Test
  void resentBytesAreKeptOnceAndAGapIsRefused() {
    TaskLog log = new TaskLog(1, 1024);
    log.append(0, b("abcd"), false);

    byte[] fresh = log.append(2, b("cdef"), false);
    byte[] gap = log.append(10, b("xyz"), false);

    assertThat(new String(fresh, StandardCharsets.US_ASCII)).isEqualTo("ef");
    assertThat(gap).isNull();
    assertThat(read(log, 0, 100)).isEqualTo("abcdef");
    assertThat(log.acked()).isEqualTo(6);
  }

  @Test
  void bytesPastTheCapAreAcknowledgedButNotKept() {
    TaskLog log = new TaskLog(1, 5);
    log.append(0, b("abc"), false);

    byte[] kept = log.append(3, b("defgh"), true);

    assertThat(new String(kept, StandardCharsets.US_ASCII)).isEqualTo("de");
    assertThat(log.storedBytes()).isEqualTo(5);
    assertThat(log.acked()).isEqualTo(8);
    assertThat(read(log, 0, 100)).isEqualTo("abcde");
    assertThat(log.eof()).isTrue();
  }
}
