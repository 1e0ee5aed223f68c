package io.nexomatic.hub.core;

import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.store.JournalWriteException;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.protocol.v1.LogAck;
import io.nexomatic.protocol.v1.LogChunk;
import io.nexomatic.protocol.v1.TaskRef;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The logs of the tasks' current attempts. Which log a chunk belongs to is decided under {@link
 * HubCore}'s lock; the bytes are appended and read under the log's own lock only, so a big log
 * never holds up dispatch.
 */
final class TaskLogStore {
  private final HubConfig config;
  private final TaskJournal journal;
  private final JournalHealth health;
  private final Map<String, TaskLog> logs = new ConcurrentHashMap<>();

  TaskLogStore(HubConfig config, TaskJournal journal, JournalHealth health) {
    this.config = config;
    this.journal = journal;
    this.health = health;
  }

  /** Reloads a restored task's log when the journal holds one for its current attempt. */
  void restore(TaskRecord t) {
    TaskJournal.StoredLog stored = journal.loadLog(t.id);
    if (stored != null && stored.attempt() == t.attempt) {
      TaskLog tl = new TaskLog(t.attempt, config.maxTaskLogBytes());
      tl.restore(stored.data(), stored.eof());
      logs.put(t.id, tl);
    }
  }

  /** The log of a task's current attempt, or null when none was received. */
  TaskLog current(TaskRecord t) {
    TaskLog tl = logs.get(t.id);
    return tl == null || tl.attempt != t.attempt ? null : tl;
  }

  /** The log of a task's current attempt, started empty when none was received (core lock). */
  TaskLog currentOrNew(TaskRecord t) {
    TaskLog tl = current(t);
    if (tl == null) {
      tl = new TaskLog(t.attempt, config.maxTaskLogBytes());
      logs.put(t.id, tl);
    }
    return tl;
  }

  /**
   * Appends a chunk to its attempt's log, journals the bytes kept, and acknowledges. When the
   * journal write fails the append is taken back and the failure rethrown, so no byte is
   * acknowledged that a restart would not restore; the sink resends from the last acknowledged
   * offset.
   */
  LogAck append(TaskLog tl, LogChunk chunk) {
    TaskRef ref = chunk.getTask();
    synchronized (tl) {
      TaskLog.Mark before = tl.mark();
      byte[] kept = tl.append(chunk.getOffset(), chunk.getData().toByteArray(), chunk.getEof());
      if (kept != null && (kept.length > 0 || chunk.getEof())) {
        try {
          journal.appendLog(
              ref.getTaskId(), ref.getAttempt(), tl.storedBytes() - kept.length, kept, tl.eof());
        } catch (JournalWriteException e) {
          tl.rollback(before);
          health.failed(e, config.clock().millis());
          throw e;
        }
        health.succeeded(config.clock().millis());
      }
      return LogAck.newBuilder().setTask(ref).setAckedOffset(tl.acked()).build();
    }
  }
}
