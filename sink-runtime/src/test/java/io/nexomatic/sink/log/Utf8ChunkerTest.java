package io.nexomatic.sink.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.sink.testing.CollectingLogSink;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8ChunkerTest {
  private final CollectingLogSink sink = new CollectingLogSink(16);
  private final Utf8Chunker chunker = new Utf8Chunker("t", 3, 16, sink);

  private void write(byte[] b) {
    chunker.write(b, 0, b.length);
  }

  @Test
  void fullChunksNeverEndInsideAMultiByteSequence() {
    String text = "abcdefghijklmno€€€😀😀xyz";
    write(text.getBytes(StandardCharsets.UTF_8));
    chunker.finish();
    assertThat(sink.violations()).isEmpty();
    for (var c : sink.chunks()) {
      String decoded = new String(c.data(), StandardCharsets.UTF_8);
      assertThat(decoded.getBytes(StandardCharsets.UTF_8))
          .as("chunk decodes cleanly")
          .isEqualTo(c.data());
    }
    assertThat(sink.text()).isEqualTo(text);
    assertThat(sink.chunks().get(0).data()).hasSize(15);
    assertThat(sink.chunks()).allSatisfy(c -> assertThat(c.attempt()).isEqualTo(3));
  }

  @Test
  void flushForwardsSmallOutputButHoldsAnIncompleteSequence() {
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    write(new byte[] {'h', 'i', euro[0], euro[1]});
    chunker.flush();
    assertThat(sink.text()).isEqualTo("hi");
    write(new byte[] {euro[2]});
    chunker.flush();
    assertThat(sink.text()).isEqualTo("hi€");
    assertThat(sink.ended()).isFalse();
  }

  @Test
  void aTailLeftByAFullChunkWaitsForItsContinuationAtTheNextFlush() {
    // Found by TaskLogForwardingIT: after a flush that held bytes, a tail left by a full-chunk
    // emit was taken for "still incomplete since the last flush" and forwarded split.
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    write(new byte[] {'a', euro[0]});
    chunker.flush(); // holds the lead byte
    write(new byte[] {euro[1], euro[2]});
    byte[] fill = "€€€€€".getBytes(StandardCharsets.UTF_8); // 15 bytes: a full chunk, tail of 2
    write(new byte[] {'b'});
    chunker.write(fill, 0, 14);
    assertThat(chunker.buffered()).isBetween(1, 3);
    chunker.flush();
    chunker.write(fill, 14, 1);
    chunker.finish();
    assertThat(sink.violations()).isEmpty();
    for (var c : sink.chunks()) {
      assertThat(new String(c.data(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8))
          .as("chunk at offset %d decodes alone", c.offset())
          .isEqualTo(c.data());
    }
    assertThat(sink.text()).isEqualTo("a€b€€€€€");
  }

  @Test
  void invalidBytesAreForwardedAndAStrandedLeadByteIsNotHeldForever() {
    write(new byte[] {'a', (byte) 0xff, 'b', (byte) 0xe9});
    chunker.flush();
    assertThat(sink.bytes()).containsExactly('a', 0xff, 'b');
    chunker.flush();
    assertThat(sink.bytes()).containsExactly('a', 0xff, 'b', 0xe9);
  }

  @Test
  void finishForwardsEverythingAndEndsWithEof() {
    write(new byte[] {'x', (byte) 0xe2});
    chunker.finish();
    chunker.finish();
    assertThat(sink.bytes()).containsExactly('x', 0xe2);
    assertThat(sink.ended()).isTrue();
    assertThat(sink.chunks()).hasSize(1);
    assertThat(chunker.offset()).isEqualTo(2);
  }

  @Test
  void emptyOutputStillGetsAnEofChunk() {
    chunker.finish();
    assertThat(sink.chunks())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.eof()).isTrue();
              assertThat(c.data()).isEmpty();
              assertThat(c.offset()).isZero();
            });
  }

  @Test
  void chunkConvertsToTheProtocolMessage() {
    var proto = new OutputChunk("task-9", 2, 100, new byte[] {1, 2}, true).toProto();
    assertThat(proto.getTask().getTaskId()).isEqualTo("task-9");
    assertThat(proto.getTask().getAttempt()).isEqualTo(2);
    assertThat(proto.getOffset()).isEqualTo(100);
    assertThat(proto.getData().toByteArray()).containsExactly(1, 2);
    assertThat(proto.getEof()).isTrue();
  }
}
