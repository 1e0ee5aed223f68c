package io.nexomatic.sink.session;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * gRPC's connection-backoff policy: 1 s initial, ×1.6 per failure, 120 s cap, ±20 % jitter; reset
 * once a session is established. Wrong credentials therefore back off instead of hot-looping.
 */
public final class Backoff {
  static final Duration INITIAL = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofSeconds(120);
  static final double MULTIPLIER = 1.6;
  static final double JITTER = 0.2;

  private final DoubleSupplier random;
  private double nextMillis = INITIAL.toMillis();

  public Backoff(DoubleSupplier random) {
    this.random = random;
  }

  /** The delay before the next attempt; grows the one after. */
  public Duration next() {
    double base = nextMillis;
    nextMillis = Math.min(nextMillis * MULTIPLIER, MAX.toMillis());
    double jittered = base * (1 + JITTER * (2 * random.getAsDouble() - 1));
    return Duration.ofMillis(Math.round(jittered));
  }

  /** A session was established: start again from the initial delay. */
  public void reset() {
    nextMillis = INITIAL.toMillis();
  }
}
