package io.nexomatic.hub.store;

import java.util.Locale;

/**
 * A journal write that did not happen: nothing of it is stored, so nothing that depends on it may
 * be acknowledged. Thrown by {@link TaskJournal} writes and probes.
 */
public final class JournalWriteException extends RuntimeException {

  public JournalWriteException(String what, Throwable cause) {
    super("cannot write " + what + " to the Hub's journal: " + rootMessage(cause), cause);
  }

  /** Whether the device is out of space (or quota), as opposed to another I/O fault. */
  public boolean diskFull() {
    for (Throwable t = this; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("no space left on device") || m.contains("disk quota exceeded")) {
        return true;
      }
    }
    return false;
  }

  /** The innermost cause's message, e.g. "No space left on device". */
  public String rootCause() {
    return rootMessage(getCause());
  }

  private static String rootMessage(Throwable cause) {
    Throwable t = cause;
    while (t != null && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t == null) {
      return "unknown cause";
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
