package io.nexomatic.sink.testing;

import io.nexomatic.sink.exec.ProcessStatus;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers to find and judge processes a test module reported. */
public final class ProcessAssertions {
  private ProcessAssertions() {}

  /** The pid printed by a module as {@code <label>=<pid>}, or -1 when not printed yet. */
  public static long reportedPid(String log, String label) {
    Matcher m = Pattern.compile(Pattern.quote(label) + "=(\\d+)").matcher(log);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** True when the process runs (zombies count as gone: reaping orphans is PID 1's business). */
  public static boolean running(long pid) {
    return ProcessStatus.isRunning(pid);
  }
}
