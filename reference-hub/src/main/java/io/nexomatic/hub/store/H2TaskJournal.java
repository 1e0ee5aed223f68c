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
 *
 * <p>A failed write (a full disk, an I/O error) makes H2 close its store, keeping the last commit:
 * the connection is then dropped and the next write or {@link #probe} opens a fresh one, which
 * succeeds once the device takes writes again.
 */
public final class H2TaskJournal implements TaskJournal {
  private final String url;
  private Connection connection;
  private PreparedStatement saveTask;
  private PreparedStatement appendLog;
  private PreparedStatement deleteOlderLogs;
  private PreparedStatement probe;

  /** A write against the open connection. */
  @FunctionalInterface
  private interface Write {
    void run() throws SQLException;
  }

  /** Opens (creating if needed) the journal in {@code dataDir}. */
  public H2TaskJournal(Path dataDir) {
    url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("hub") + ";WRITE_DELAY=0;FILE_LOCK=FS";
    try {
      Files.createDirectories(dataDir);
      connect();
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

  private void connect() throws SQLException {
    connection = DriverManager.getConnection(url, "hub", "");
    try (Statement s = connection.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS tasks (id VARCHAR(64) PRIMARY KEY, seq BIGINT NOT NULL,"
              + " body VARBINARY NOT NULL)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS logs (task_id VARCHAR(64) NOT NULL, attempt INT NOT NULL,"
              + " log_offset BIGINT NOT NULL, eof BOOLEAN NOT NULL, data VARBINARY NOT NULL,"
              + " PRIMARY KEY (task_id, attempt, log_offset))");
      s.execute("CREATE TABLE IF NOT EXISTS probe (id INT PRIMARY KEY, at_ms BIGINT NOT NULL)");
    }
    saveTask =
        connection.prepareStatement("MERGE INTO tasks (id, seq, body) KEY (id) VALUES (?, ?, ?)");
    appendLog =
        connection.prepareStatement(
            "MERGE INTO logs (task_id, attempt, log_offset, eof, data) KEY (task_id, attempt,"
                + " log_offset) VALUES (?, ?, ?, ?, ?)");
    deleteOlderLogs =
        connection.prepareStatement("DELETE FROM logs WHERE task_id = ? AND attempt < ?");
    probe = connection.prepareStatement("MERGE INTO probe (id, at_ms) KEY (id) VALUES (1, ?)");
  }

  private Connection open() throws SQLException {
    if (connection == null) {
      connect();
    }
    return connection;
  }

  /** Runs a write, (re)opening the connection first when a failed write dropped it. */
  private void write(String what, Write write) {
    try {
      open();
      write.run();
    } catch (SQLException e) {
      // H2 has closed its store after the failure (or never opened it): start afresh next time.
      dropConnection();
      throw new JournalWriteException(what, e);
    }
  }

  private void dropConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // the store is already closed; nothing more to release
      }
      connection = null;
    }
  }

  @Override
  public synchronized void save(Task task, long seq) {
    write(
        "task " + task.getTaskId(),
        () -> {
          saveTask.setString(1, task.getTaskId());
          saveTask.setLong(2, seq);
          saveTask.setBytes(3, task.toByteArray());
          saveTask.executeUpdate();
        });
  }

  @Override
  public synchronized void appendLog(
      String taskId, int attempt, long offset, byte[] data, boolean eof) {
    write(
        "the log of task " + taskId,
        () -> {
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
        });
  }

  @Override
  public synchronized void probe() {
    write(
        "a probe",
        () -> {
          probe.setLong(1, System.currentTimeMillis());
          probe.executeUpdate();
        });
  }

  @Override
  public synchronized List<StoredTask> loadTasks() {
    List<StoredTask> out = new ArrayList<>();
    try (Statement s = open().createStatement();
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
        open()
            .prepareStatement(
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
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot close the Hub's data directory", e);
    } finally {
      connection = null;
    }
  }
}
