package io.nexomatic.sink.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a process still runs, counting zombies as ended (where nobody reaps orphans). */
public final class ProcessStatus {
  private ProcessStatus() {}

  /**
   * True when {@code pid} exists and is not a zombie. {@link ProcessHandle#isAlive()} counts a
   * zombie as alive, and an orphan stays a zombie until PID 1 reaps it, which not every container
   * init does.
   */
  public static boolean isRunning(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String s = Files.readString(stat, StandardCharsets.ISO_8859_1);
      // "pid (comm) S ...": comm may contain spaces and parentheses, so parse after the last ')'.
      int close = s.lastIndexOf(')');
      if (close < 0 || close + 2 >= s.length()) {
        return true;
      }
      char state = s.charAt(close + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      if (Files.isDirectory(Path.of("/proc", "self"))) {
        return false;
      }
      // No procfs (not Linux): fall back to what Java knows.
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  /**
   * Whether any live process belongs to process group {@code pgid}, judged from /proc; true when
   * that cannot be read (not Linux), so callers err on the side of signalling.
   */
  public static boolean groupMayHaveMembers(long pgid) {
    Path proc = Path.of("/proc");
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path dir : dirs) {
        String s;
        try {
          s = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
          continue; // exited while we looked
        }
        // After "pid (comm) ": state, ppid, pgrp.
        int close = s.lastIndexOf(')');
        String[] f = s.substring(close + 2).split(" ", 4);
        if (f.length >= 3 && f[2].equals(Long.toString(pgid)) && !f[0].equals("Z")) {
          return true;
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /** {@link #isRunning(long)} for a handle. */
  public static boolean isRunning(ProcessHandle handle) {
    return handle.isAlive() && isRunning(handle.pid());
  }
}
