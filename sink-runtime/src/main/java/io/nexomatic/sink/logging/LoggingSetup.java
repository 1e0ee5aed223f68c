package io.nexomatic.sink.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.nexomatic.sink.config.LogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures the sink's own log programmatically from LOG_FORMAT and LOG_LEVEL: one JSON object per
 * line on stdout (logback's JsonEncoder) or plain text. Code logging here names parameters and
 * variables, never their values, so secrets cannot reach this log.
 */
public final class LoggingSetup {
  private LoggingSetup() {}

  /** Replaces whatever logback configured by default. */
  public static void configure(LogFormat format, String level) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.reset();
    Encoder<ILoggingEvent> encoder;
    if (format == LogFormat.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      // The raw message duplicates the formatted one and the arguments; keep the log compact.
      json.setWithArguments(false);
      json.setWithMessage(false);
      json.setWithFormattedMessage(true);
      json.start();
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(context);
      text.setPattern("%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n");
      text.start();
      encoder = text;
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setEncoder(encoder);
    console.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.addAppender(console);
    // grpc-netty-shaded is chatty at DEBUG; its details are rarely what an operator needs.
    context.getLogger("io.grpc.netty").setLevel(Level.INFO);
  }
}
