package io.nexomatic.sink.testing;

import io.nexomatic.sink.log.LogSink;
import io.nexomatic.sink.log.OutputChunk;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Keeps every chunk and checks the protocol's invariants as chunks arrive. */
public final class CollectingLogSink implements LogSink {
  private final List<OutputChunk> chunks = new ArrayList<>();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final List<String> violations = new ArrayList<>();
  private final int maxChunk;

  public CollectingLogSink() {
    this(64 * 1024);
  }

  public CollectingLogSink(int maxChunk) {
    this.maxChunk = maxChunk;
  }

  @Override
  public synchronized void accept(OutputChunk chunk) {
    if (!chunks.isEmpty() && chunks.get(chunks.size() - 1).eof()) {
      violations.add("chunk after eof at offset " + chunk.offset());
    }
    if (chunk.offset() != bytes.size()) {
      violations.add("offset " + chunk.offset() + " but " + bytes.size() + " bytes received");
    }
    if (chunk.data().length > maxChunk) {
      violations.add("chunk of " + chunk.data().length + " bytes");
    }
    chunks.add(chunk);
    bytes.write(chunk.data(), 0, chunk.data().length);
  }

  public synchronized List<OutputChunk> chunks() {
    return List.copyOf(chunks);
  }

  public synchronized byte[] bytes() {
    return bytes.toByteArray();
  }

  public synchronized String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  public synchronized boolean ended() {
    return !chunks.isEmpty() && chunks.get(chunks.size() - 1).eof();
  }

  public synchronized List<String> violations() {
    return List.copyOf(violations);
  }
}
