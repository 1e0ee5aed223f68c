package io.nexomatic.hub.testing;

import io.nexomatic.hub.store.JournalWriteException;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.protocol.v1.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A journal in memory whose writes can be made to fail, as a full disk fails them: it keeps exactly
 * what was written successfully, so a test can compare the Hub's memory with what a restart would
 * restore.
 */
public final class FlakyJournal implements TaskJournal {
  private final Map<String, StoredTask> tasks = new LinkedHashMap<>();
  private final Map<String, StoredLog> logs = new LinkedHashMap<>();
  private String failure;
  private int refusedWrites;

  /** From now on every write fails with an I/O error carrying this message. */
  public synchronized void failWith(String cause) {
    failure = cause;
  }

  /** Writes succeed again. */
  public synchronized void recover() {
    failure = null;
  }

  public synchronized boolean failing() {
    return failure != null;
  }

  /** How many writes (probes included) were refused. */
  public synchronized int refusedWrites() {
    return refusedWrites;
  }

  /** The task as last written, or null. */
  public synchronized Task stored(String taskId) {
    StoredTask t = tasks.get(taskId);
    return t == null ? null : t.task();
  }

  public synchronized List<Task> storedTasks() {
    return tasks.values().stream().map(StoredTask::task).toList();
  }

  private void check(String what) {
    if (failure != null) {
      refusedWrites++;
      throw new JournalWriteException(what, new IOException(failure));
    }
  }

  @Override
  public synchronized void save(Task task, long seq) {
    check("task " + task.getTaskId());
    tasks.put(task.getTaskId(), new StoredTask(task, seq));
  }

  @Override
  public synchronized void appendLog(
      String taskId, int attempt, long offset, byte[] data, boolean eof) {
    check("the log of task " + taskId);
    StoredLog old = logs.get(taskId);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (old != null && old.attempt() == attempt) {
      bytes.writeBytes(old.data());
    }
    if (offset != bytes.size()) {
      throw new IllegalStateException(
          "log of " + taskId + " appended at " + offset + " but holds " + bytes.size());
    }
    bytes.writeBytes(data);
    logs.put(taskId, new StoredLog(attempt, bytes.toByteArray(), eof));
  }

  @Override
  public synchronized void probe() {
    check("a probe");
  }

  @Override
  public synchronized List<StoredTask> loadTasks() {
    return new ArrayList<>(tasks.values());
  }

  @Override
  public synchronized StoredLog loadLog(String taskId) {
    return logs.get(taskId);
  }

  @Override
  public void close() {}
}
