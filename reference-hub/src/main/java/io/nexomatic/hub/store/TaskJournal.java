package io.nexomatic.hub.store;

import io.nexomatic.protocol.v1.Task;
import java.util.List;

/**
 * Where the Hub writes its state so it survives a restart. Called synchronously before the Hub
 * acknowledges anything, so an acknowledged submit or result is never lost. A write that fails
 * throws {@link JournalWriteException} and stores nothing of itself; the journal takes writes again
 * once its device does (see {@link #probe}).
 */
public interface TaskJournal extends AutoCloseable {

  /** A persisted task (unmasked) with its enqueue order. */
  record StoredTask(Task task, long seq) {}

  /** A persisted log of a task's current attempt. */
  record StoredLog(int attempt, byte[] data, boolean eof) {}

  /** Inserts or replaces a task's snapshot. */
  void save(Task task, long seq);

  /** Appends log bytes of an attempt at an offset (the Hub only appends contiguously). */
  void appendLog(String taskId, int attempt, long offset, byte[] data, boolean eof);

  /**
   * Writes a few bytes so the caller learns whether writes succeed again (after a full disk, say);
   * throws {@link JournalWriteException} while they do not.
   */
  default void probe() {}

  /** Every task, in enqueue order. */
  List<StoredTask> loadTasks();

  /** A task's stored log, or null when none. */
  StoredLog loadLog(String taskId);

  @Override
  void close();

  /**
   * Whether this journal writes to disk on the calling thread. The Hub runs its handlers on gRPC's
   * transport threads only when it does not, because a disk write there stalls every connection
   * sharing that event loop.
   */
  default boolean durable() {
    return true;
  }

  /** A journal that keeps nothing: the Hub's state lives in memory only. */
  static TaskJournal inMemory() {
    return new MemoryOnlyJournal();
  }
}
