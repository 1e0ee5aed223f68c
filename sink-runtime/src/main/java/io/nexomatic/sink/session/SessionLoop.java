package io.nexomatic.sink.session;

import java.time.Clock;
import org.slf4j.LoggerFactory;

/**
 * The one thread every session decision runs on, with its timers and its clock. gRPC callbacks,
 * task outcomes, log chunks and timers all post here, so no lock guards the ledger and no decision
 * races another. Injected so that tests can move time by hand.
 */
interface SessionLoop {
  /** A scheduled step that can be called off. */
  interface Timer {
    void cancel();
  }

  /** Runs {@code step} on the loop, after the steps already posted; a no-op once shut down. */
  void post(Runnable step);

  /** Runs {@code step} on the loop in {@code delayMs}; a no-op once shut down. */
  Timer schedule(Runnable step, long delayMs);

  /** Runs {@code step} on the loop every {@code periodMs}, first in one period. */
  Timer every(Runnable step, long periodMs);

  /** The time the loop's timers run on. */
  Clock clock();

  /** Stops the loop: no step or timer runs after this. */
  void shutdown();

  /** Milliseconds since the epoch on the loop's clock. */
  default long now() {
    return clock().millis();
  }

  /** A failing step is logged and never kills the loop or its timers. */
  static Runnable guarded(Runnable step) {
    return () -> {
      try {
        step.run();
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(SessionLoop.class).error("sink loop step failed", e);
      }
    };
  }
}
