package io.nexomatic.sink.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Logback appender that searches every event, as it arrives, for secret values and keeps only the
 * events that contain one. Holding every event instead (a ListAppender) costs gigabytes over a soak
 * of 100,000 tasks at DEBUG; scanning on arrival costs nothing and still sees every line.
 */
public final class SecretScanningAppender extends AppenderBase<ILoggingEvent> {

  private static final int KEPT = 20;

  private final List<String> secrets;
  private final AtomicLong events = new AtomicLong();
  private final List<String> leaks = new ArrayList<>();

  public SecretScanningAppender(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.incrementAndGet();
    var text = new StringBuilder(event.getFormattedMessage());
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      text.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
    }
    if (event.getKeyValuePairs() != null) {
      event
          .getKeyValuePairs()
          .forEach(kv -> text.append(' ').append(kv.key).append('=').append(kv.value));
    }
    if (event.getArgumentArray() != null) {
      for (Object arg : event.getArgumentArray()) {
        text.append(' ').append(arg);
      }
    }
    String line = text.toString();
    for (String secret : secrets) {
      if (line.contains(secret)) {
        synchronized (leaks) {
          if (leaks.size() < KEPT) {
            leaks.add(event.getLoggerName() + ": " + line.replace(secret, "<SECRET>"));
          }
        }
      }
    }
  }

  /** How many events were scanned. */
  public long events() {
    return events.get();
  }

  /** The first events that contained a secret, with the secret itself replaced. */
  public List<String> leaks() {
    synchronized (leaks) {
      return List.copyOf(leaks);
    }
  }
}
