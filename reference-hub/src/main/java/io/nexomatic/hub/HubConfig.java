package io.nexomatic.hub;

import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;

/**
 * The Hub's tunables. {@link #defaults()} are production-like; tests shorten the intervals.
 *
 * @param heartbeatInterval how often sinks must heartbeat; a session silent for three intervals is
 *     closed (half-open connection detection)
 * @param leaseTtl how long a lease survives without renewal before the task is re-queued
 * @param offerTimeout how long an offer waits for Accept before it goes back to the queue
 * @param defaultMaxAttempts attempts before a task ends ERROR, when the submit does not say
 * @param maxQueued most tasks queued across all queues; more is RESOURCE_EXHAUSTED
 * @param maxTaskLogBytes most log bytes kept per task
 * @param backstopGrace added to a task's timeout before the Hub gives up on a silent sink
 * @param defaultBackstop the backstop for tasks without their own timeout
 * @param maxLogChunkBytes largest accepted log chunk
 * @param maxResultMessages most result messages kept
 * @param maxResultMessageBytes longest result message kept
 * @param maxPayloadBytes largest accepted payload
 * @param tickInterval how often timers (offers, leases, liveness) are checked
 * @param clock the time source
 * @param openTelemetry where the Hub's spans go (docs/tracing.md); the API's no-op by default
 */
public record HubConfig(
    Duration heartbeatInterval,
    Duration leaseTtl,
    Duration offerTimeout,
    int defaultMaxAttempts,
    int maxQueued,
    long maxTaskLogBytes,
    Duration backstopGrace,
    Duration defaultBackstop,
    int maxLogChunkBytes,
    int maxResultMessages,
    int maxResultMessageBytes,
    int maxPayloadBytes,
    Duration tickInterval,
    Clock clock,
    OpenTelemetry openTelemetry) {

  /** Production-like defaults. */
  public static HubConfig defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.heartbeatInterval = heartbeatInterval;
    b.leaseTtl = leaseTtl;
    b.offerTimeout = offerTimeout;
    b.defaultMaxAttempts = defaultMaxAttempts;
    b.maxQueued = maxQueued;
    b.maxTaskLogBytes = maxTaskLogBytes;
    b.backstopGrace = backstopGrace;
    b.defaultBackstop = defaultBackstop;
    b.maxLogChunkBytes = maxLogChunkBytes;
    b.maxResultMessages = maxResultMessages;
    b.maxResultMessageBytes = maxResultMessageBytes;
    b.maxPayloadBytes = maxPayloadBytes;
    b.tickInterval = tickInterval;
    b.clock = clock;
    b.openTelemetry = openTelemetry;
    return b;
  }

  /** Builds a {@link HubConfig}; unset values keep their defaults. */
  public static final class Builder {
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private Duration leaseTtl = Duration.ofSeconds(30);
    private Duration offerTimeout = Duration.ofSeconds(10);
    private int defaultMaxAttempts = 3;
    private int maxQueued = 100_000;
    private long maxTaskLogBytes = 16L * 1024 * 1024;
    private Duration backstopGrace = Duration.ofMinutes(5);
    private Duration defaultBackstop = Duration.ofHours(2);
    private int maxLogChunkBytes = 64 * 1024;
    private int maxResultMessages = 100;
    private int maxResultMessageBytes = 8 * 1024;
    private int maxPayloadBytes = 1024 * 1024;
    private Duration tickInterval = Duration.ofMillis(100);
    private Clock clock = Clock.systemUTC();
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();

    private Builder() {}

    public Builder heartbeatInterval(Duration d) {
      heartbeatInterval = d;
      return this;
    }

    public Builder leaseTtl(Duration d) {
      leaseTtl = d;
      return this;
    }

    public Builder offerTimeout(Duration d) {
      offerTimeout = d;
      return this;
    }

    public Builder defaultMaxAttempts(int n) {
      defaultMaxAttempts = n;
      return this;
    }

    public Builder maxQueued(int n) {
      maxQueued = n;
      return this;
    }

    public Builder maxTaskLogBytes(long n) {
      maxTaskLogBytes = n;
      return this;
    }

    public Builder backstop(Duration grace, Duration withoutTimeout) {
      backstopGrace = grace;
      defaultBackstop = withoutTimeout;
      return this;
    }

    public Builder maxPayloadBytes(int n) {
      maxPayloadBytes = n;
      return this;
    }

    public Builder tickInterval(Duration d) {
      tickInterval = d;
      return this;
    }

    public Builder clock(Clock c) {
      clock = c;
      return this;
    }

    public Builder openTelemetry(OpenTelemetry o) {
      openTelemetry = o;
      return this;
    }

    public HubConfig build() {
      return new HubConfig(
          heartbeatInterval,
          leaseTtl,
          offerTimeout,
          defaultMaxAttempts,
          maxQueued,
          maxTaskLogBytes,
          backstopGrace,
          defaultBackstop,
          maxLogChunkBytes,
          maxResultMessages,
          maxResultMessageBytes,
          maxPayloadBytes,
          tickInterval,
          clock,
          openTelemetry);
    }
  }
}
