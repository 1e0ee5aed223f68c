package io.nexomatic.sink.config;

/** The format of the sink's own log ({@code LOG_FORMAT}). */
public enum LogFormat {
  /** One JSON object per line (logback JsonEncoder). */
  JSON,
  /** Human-readable lines. */
  TEXT
}
