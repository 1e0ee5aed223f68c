package io.nexomatic.hub.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.nexomatic.protocol.v1.Task;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TaskJournal} in an embedded H2 database under {@code --data-dir}. Commits are written at
 * once ({@code WRITE_DELAY=0}) and the file lock is the OS's, so a killed Hub restarts cleanly with
 * everything it acknowledged.
 */
public final class H2TaskJournal implements TaskJournal {
  private final Connection connection;
  private final PreparedStatement saveTask;
  private final PreparedStatement appendLog;
  private final PreparedStatement deleteOlderLogs;

  /** Opens (creating if needed) the journal in {@code dataDir}. */
  public H2TaskJournal(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      String url =
          "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("hub") + ";WRITE_DELAY=0;FILE_LOCK=FS";
      connection = DriverManager.getConnection(url, "hub", "");
      try (Statement s = connection.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS tasks (id VARCHAR(64) PRIMARY KEY, seq BIGINT NOT NULL,"
                + " body VARBINARY NOT NULL)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS logs (task_id VARCHAR(64) NOT NULL, attempt INT NOT NULL,"
                + " log_offset BIGINT NOT NULL, eof BOOLEAN NOT NULL, data VARBINARY NOT NULL,"
                + " PRIMARY KEY (task_id, attempt, log_offset))");
      }
      saveTask =
          connection.prepareStatement("MERGE INTO tasks (id, seq, body) KEY (id) VALUES (?, ?, ?)");
      appendLog =
          connection.prepareStatement(
              "MERGE INTO logs (task_id, attempt, log_offset, eof, data) KEY (task_id, attempt,"
                  + " log_offset) VALUES (?, ?, ?, ?, ?)");
      deleteOlderLogs =
          connection.prepareStatement("DELETE FROM logs WHERE task_id = ? AND attempt < ?");
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot open the Hub's data directory "
              + dataDir
              + ": "
              + e.getMessage()
              + " (is another Hub using it?)",
          e);
    }
  }

  @Override
  public synchronized void save(Task task, long seq) {
    try {
      saveTask.setString(1, task.getTaskId());
      saveTask.setLong(2, seq);
      saveTask.setBytes(3, task.toByteArray());
      saveTask.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot persist task " + task.getTaskId(), e);
    }
  }

  @Override
  public synchronized void appendLog(
      String taskId, int attempt, long offset, byte[] data, boolean eof) {
    try {
      if (offset == 0) {
        deleteOlderLogs.setString(1, taskId);
        deleteOlderLogs.setInt(2, attempt);
        deleteOlderLogs.executeUpdate();
      }
      appendLog.setString(1, taskId);
      appendLog.setInt(2, attempt);
      appendLog.setLong(3, offset);
      appendLog.setBoolean(4, eof);
      appendLog.setBytes(5, data);
      appendLog.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot persist the log of task " + taskId, e);
    }
  }

  @Override
  public synchronized List<StoredTask> loadTasks() {
    List<StoredTask> out = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq, body FROM tasks ORDER BY seq")) {
      while (rs.next()) {
        out.add(new StoredTask(Task.parseFrom(rs.getBytes(2)), rs.getLong(1)));
      }
    } catch (SQLException | InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot read the Hub's stored tasks", e);
    }
    return out;
  }

  @Override
  public synchronized StoredLog loadLog(String taskId) {
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT attempt, log_offset, eof, data FROM logs WHERE task_id = ? AND attempt ="
                + " (SELECT MAX(attempt) FROM logs WHERE task_id = ?) ORDER BY log_offset")) {
      s.setString(1, taskId);
      s.setString(2, taskId);
      try (ResultSet rs = s.executeQuery()) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int attempt = 0;
        boolean eof = false;
        while (rs.next()) {
          attempt = rs.getInt(1);
          if (rs.getLong(2) != data.size()) {
            break; // only a contiguous prefix is meaningful
          }
          eof |= rs.getBoolean(3);
          data.writeBytes(rs.getBytes(4));
        }
        return attempt == 0 ? null : new StoredLog(attempt, data.toByteArray(), eof);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the stored log of task " + taskId, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close the Hub's data directory", e);
    }
  }
}
