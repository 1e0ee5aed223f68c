package io.nexomatic.sink.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.sink.log.OutputChunk;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** An attempt's unacknowledged log on the sink: what is resent, and when the log is done. */
class LogBufferTest {

  private static OutputChunk chunk(long offset, String data, boolean eof) {
    return new OutputChunk("t1", 1, offset, data.getBytes(StandardCharsets.US_ASCII), eof);
  }

  @Test
  void anUnsentEndOfLogSurvivesTheAcknowledgementOfTheDataBeforeIt() {
    // The end-of-log chunk is queued while the stream is not ready; then the Hub acknowledges the
    // data before it, which ends at the same offset. Dropping the unsent end there left the Hub
    // waiting forever for the log to end (found by the logs benchmark: it stalled on a 64 MiB log
    // in about a quarter of its runs).
    LogBuffer log = new LogBuffer();
    log.add(chunk(0, "0123456789", false));
    log.add(chunk(10, "", true));

    log.ack(10, false);

    assertThat(log.pending()).extracting(OutputChunk::eof).containsExactly(true);
    assertThat(log.complete()).isFalse();

    log.ack(10, true);

    assertThat(log.pending()).isEmpty();
    assertThat(log.complete()).isTrue();
  }

  @Test
  void anAttemptWithoutOutputHasNothingToSendAndIsCompleteAtOnce() {
    LogBuffer log = new LogBuffer();

    log.add(chunk(0, "", true));

    assertThat(log.pending()).isEmpty();
    assertThat(log.complete()).isTrue();
  }

  @Test
  void acknowledgedDataIsNoLongerResent() {
    LogBuffer log = new LogBuffer();
    log.add(chunk(0, "abc", false));
    log.add(chunk(3, "def", false));
    log.add(chunk(6, "gh", true));

    log.ack(3, false);

    assertThat(log.pending()).extracting(OutputChunk::offset).containsExactly(3L, 6L);
    assertThat(log.bytesHeld()).isEqualTo(5);
    assertThat(log.complete()).isFalse();

    log.ack(8, true);

    assertThat(log.complete()).isTrue();
  }
}
