package io.nexomatic.hub.store;

import io.nexomatic.protocol.v1.Task;
import java.util.List;

/**
 * Keeps nothing, so the Hub's state lives in memory only. Open for extension so tests and
 * benchmarks can observe what the Hub would persist, and when, without writing anything.
 */
public class MemoryOnlyJournal implements TaskJournal {

  @Override
  public void save(Task task, long seq) {}

  @Override
  public void appendLog(String taskId, int attempt, long offset, byte[] data, boolean eof) {}

  @Override
  public List<StoredTask> loadTasks() {
    return List.of();
  }

  @Override
  public StoredLog loadLog(String taskId) {
    return null;
  }

  @Override
  public void close() {}

  /** Nothing touches disk. */
  @Override
  public boolean durable() {
    return false;
  }
}
