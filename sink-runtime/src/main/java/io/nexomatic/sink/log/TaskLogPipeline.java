package io.nexomatic.sink.log;

import java.util.Collection;

/**
 * One attempt's log path: raw output, then {@link SecretMasker}, then {@link LogCapper}, then
 * {@link Utf8Chunker}, then the {@link LogSink}. Masking runs before the cap so the accounting
 * counts the bytes actually forwarded. Thread-safe: output arrives on the pump thread, flushes on a
 * timer thread, and {@link #finish()} may come from whichever ends the task.
 */
public final class TaskLogPipeline {
  private final SecretMasker masker;
  private final LogCapper capper;
  private final Utf8Chunker chunker;
  private long produced;
  private long peakRetained;
  private boolean finished;

  /**
   * A pipeline for one attempt.
   *
   * @param secretValues values to mask (SECRET parameters)
   * @param maxLogBytes MAX_LOG_BYTES
   */
  public TaskLogPipeline(
      String taskId,
      int attempt,
      Collection<String> secretValues,
      long maxLogBytes,
      int maxChunkBytes,
      LogSink sink) {
    this.masker = new SecretMasker(secretValues);
    this.chunker = new Utf8Chunker(taskId, attempt, maxChunkBytes, sink);
    this.capper = new LogCapper(maxLogBytes, chunker);
  }

  /** Takes raw output; ignored after {@link #finish()} (a straggler writing after the end). */
  public synchronized void write(byte[] b, int off, int len) {
    if (finished || len == 0) {
      return;
    }
    produced += len;
    if (masker.isEmpty()) {
      capper.write(b, off, len);
    } else {
      byte[] masked = masker.mask(b, off, len);
      capper.write(masked, 0, masked.length);
    }
    peakRetained = Math.max(peakRetained, retainedBytes());
  }

  /** Forwards small buffered output; called by the flush timer. */
  public void flush() {
    // Not synchronized on this: the chunker has its own lock, and a flush must not wait behind a
    // write that is blocked on a slow sink.
    chunker.flush();
  }

  /** Ends the log: remaining masked bytes, truncation marker and tail, then the EOF chunk. */
  public synchronized LogStats finish() {
    if (!finished) {
      finished = true;
      byte[] rest = masker.finish();
      capper.write(rest, 0, rest.length);
      capper.finish();
      chunker.finish();
    }
    return stats();
  }

  /** The accounting so far (final after {@link #finish()}). */
  public synchronized LogStats stats() {
    return new LogStats(produced, capper.forwardedBytes(), capper.droppedBytes());
  }

  /** Bytes of output held in memory now: tail ring, chunk buffer and mask carry. */
  public synchronized long retainedBytes() {
    return capper.retainedBytes() + chunker.buffered() + masker.carryLength();
  }

  /** The most output this pipeline ever held in memory at once. */
  public synchronized long peakRetainedBytes() {
    return peakRetained;
  }

  /** The capper's own retained bytes (the tail ring buffer). */
  public synchronized long capperRetainedBytes() {
    return capper.retainedBytes();
  }
}
