package io.nexomatic.sink.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LogCapperTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private LogCapper capper(long max) {
    return new LogCapper(max, out::write);
  }

  private static void write(LogCapper c, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    c.write(b, 0, b.length);
  }

  @Test
  void outputWithinTheCapIsForwardedUnchangedWithoutMarker() {
    LogCapper c = capper(1024);
    write(c, "a".repeat(1000));
    write(c, "b".repeat(24));
    c.finish();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a".repeat(1000) + "b".repeat(24));
    assertThat(c.droppedBytes()).isZero();
    assertThat(c.retainedBytes()).isZero();
  }

  @Test
  void overflowSmallerThanTheTailIsForwardedAtEndWithoutMarker() {
    LogCapper c = capper(1024);
    write(c, "h".repeat(1024));
    write(c, "t".repeat(100));
    assertThat(out.size()).as("past the head nothing streams").isEqualTo(1024);
    c.finish();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("h".repeat(1024) + "t".repeat(100));
    assertThat(c.droppedBytes()).isZero();
  }

  @Test
  void headMarkerAndTailWithExactDroppedCount() {
    LogCapper c = capper(4096);
    int tail = LogCapper.tailCapacity(4096);
    assertThat(tail).isEqualTo(1024);
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      String line = String.format("line %05d\n", i);
      all.append(line);
      write(c, line);
    }
    c.finish();
    String s = all.toString();
    long dropped = s.length() - 4096 - tail;
    String expected =
        s.substring(0, 4096)
            + "\n[nexomatic: "
            + dropped
            + " bytes dropped by MAX_LOG_BYTES=4096; last "
            + tail
            + " bytes follow]\n"
            + s.substring(s.length() - tail);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(c.droppedBytes()).isEqualTo(dropped);
    assertThat(c.forwardedBytes()).isEqualTo(expected.length());
  }

  @Test
  void retainedMemoryStaysAtTheTailCapacityWhateverIsWritten() {
    LogCapper c = capper(1024 * 1024);
    byte[] block = new byte[8192];
    Arrays.fill(block, (byte) 'x');
    long max = 0;
    for (int i = 0; i < 50 * 128; i++) { // 50 MiB
      c.write(block, 0, block.length);
      max = Math.max(max, c.retainedBytes());
    }
    assertThat(max).isEqualTo(c.tailCapacity()).isEqualTo(256 * 1024);
    c.finish();
    assertThat(c.droppedBytes()).isEqualTo(50L * 1024 * 1024 - 1024 * 1024 - 256 * 1024);
    assertThat(c.retainedBytes()).isZero();
  }

  @Test
  void tailIsCappedAtOneMebibyte() {
    assertThat(LogCapper.tailCapacity(100L * 1024 * 1024)).isEqualTo(1024 * 1024);
  }

  @Test
  void headAndTailAreCutOnCharacterBoundaries() {
    LogCapper c = capper(1024);
    // 1023 ASCII bytes, then 3-byte euros: the 1024th byte would fall inside the first euro.
    write(c, "a".repeat(1023) + "€".repeat(1000));
    c.finish();
    byte[] forwarded = out.toByteArray();
    String s = new String(forwarded, StandardCharsets.UTF_8);
    assertThat(s).doesNotContain("\uFFFD");
    assertThat(s).startsWith("a".repeat(1023) + "\n[nexomatic: ");
    // Tail of 256 bytes minus the partial euro at its start: 85 whole euros = 255 bytes.
    assertThat(s).endsWith("; last 255 bytes follow]\n" + "€".repeat(85));
    assertThat(c.droppedBytes()).isEqualTo(3000 - 255);
  }
}
