package io.nexomatic.sink.log;

import java.util.Arrays;

/**
 * Cuts forwarded output into {@link OutputChunk}s of at most {@code maxChunkBytes}, never inside a
 * UTF-8 sequence: an incomplete trailing sequence is held back until the next write. Bytes that are
 * not UTF-8 are forwarded as they are; a held-back sequence that is still incomplete at the
 * next-but-one {@link #flush()} is forwarded anyway, so invalid output never stalls the log.
 */
public final class Utf8Chunker implements ByteOutput {
  /** The protocol's largest log chunk. */
  public static final int MAX_CHUNK_BYTES = 64 * 1024;

  private final String taskId;
  private final int attempt;
  private final LogSink sink;
  private final byte[] buffer;
  private int fill;
  private long offset;
  private boolean heldAtLastFlush;
  private long writtenAtLastFlush = -1;
  private boolean finished;

  /** A chunker for one attempt's output. */
  public Utf8Chunker(String taskId, int attempt, int maxChunkBytes, LogSink sink) {
    if (maxChunkBytes < 4) {
      throw new IllegalArgumentException("a chunk must hold at least one UTF-8 sequence");
    }
    this.taskId = taskId;
    this.attempt = attempt;
    this.sink = sink;
    this.buffer = new byte[maxChunkBytes];
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    while (len > 0) {
      int n = Math.min(len, buffer.length - fill);
      System.arraycopy(b, off, buffer, fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == buffer.length) {
        emit(buffer.length - Utf8.incompleteTail(buffer, 0, fill), false);
      }
    }
  }

  /** Forwards what is buffered; called periodically so small output is not held back. */
  public synchronized void flush() {
    if (finished || fill == 0) {
      return;
    }
    int held = Utf8.incompleteTail(buffer, 0, fill);
    long written = offset + fill;
    if (held == fill && heldAtLastFlush && written == writtenAtLastFlush) {
      // The same incomplete bytes sat through a whole flush period with nothing written after
      // them: it is not UTF-8, forward it as is. (A tail left by a full-buffer emit since the last
      // flush is new and still waits for its continuation bytes.)
      held = 0;
    }
    emit(fill - held, false);
    heldAtLastFlush = fill > 0;
    writtenAtLastFlush = written;
  }

  /** Forwards everything left and the end-of-output chunk. Idempotent. */
  public synchronized void finish() {
    if (finished) {
      return;
    }
    emit(fill, true);
    finished = true;
  }

  /** Bytes forwarded so far: the next chunk's offset. */
  public synchronized long offset() {
    return offset;
  }

  /** Bytes currently buffered. */
  public synchronized int buffered() {
    return fill;
  }

  private void emit(int len, boolean eof) {
    if (len == 0 && !eof) {
      return;
    }
    byte[] data = Arrays.copyOf(buffer, len);
    System.arraycopy(buffer, len, buffer, 0, fill - len);
    fill -= len;
    OutputChunk chunk = new OutputChunk(taskId, attempt, offset, data, eof);
    offset += len;
    sink.accept(chunk);
  }
}
