package io.nexomatic.sink.log;

/**
 * Receives a task's forwarded output in order, ending with one chunk whose {@code eof} is set.
 * Called from the task's log threads, one call at a time per task; it should not block for long,
 * because the task's output pipe is drained on the same thread. Forwarded output per attempt is
 * bounded (MAX_LOG_BYTES plus a tail of at most 1 MiB), so an implementation may keep it in memory
 * until the Hub acknowledges it.
 */
@FunctionalInterface
public interface LogSink {
  /** Takes one chunk. */
  void accept(OutputChunk chunk);
}
