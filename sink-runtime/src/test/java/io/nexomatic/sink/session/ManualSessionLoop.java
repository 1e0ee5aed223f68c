package io.nexomatic.sink.session;

import io.nexomatic.hub.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * A {@link SessionLoop} on a hand-moved clock, like the Hub's tests use: posted steps run at once
 * on one real thread (gRPC callbacks still arrive from other threads), but a timer runs only when
 * the test moves time past it. Between timers the loop settles (runs everything posted), so each
 * timer sees the state a real loop would have reached by then.
 */
final class ManualSessionLoop implements SessionLoop {
  /** The longest the clock jumps in one step, so the Hub's timers run as often as its own tick. */
  static final Duration STEP = Duration.ofMillis(50);

  /** A real-time bound on settling, for a step that never ends (a hung test fails, not hangs). */
  private static final long SETTLE_LIMIT_MS = 30_000;

  private final MutableClock clock;
  private final Runnable afterEachStep;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(ExecutorSessionLoop::loopThread);
  private final PriorityQueue<Pending> timers = new PriorityQueue<>();
  private int running;
  private long seq;
  private volatile boolean shutdown;

  /** {@code afterEachStep} runs on the test's thread each time the clock moved (a Hub tick). */
  ManualSessionLoop(MutableClock clock, Runnable afterEachStep) {
    this.clock = clock;
    this.afterEachStep = afterEachStep;
  }

  private final class Pending implements Timer, Comparable<Pending> {
    long dueMs;
    long order;
    final Runnable step;
    final long periodMs;
    volatile boolean cancelled;

    Pending(long dueMs, Runnable step, long periodMs) {
      this.dueMs = dueMs;
      this.order = seq++;
      this.step = step;
      this.periodMs = periodMs;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public int compareTo(Pending o) {
      return dueMs != o.dueMs ? Long.compare(dueMs, o.dueMs) : Long.compare(order, o.order);
    }
  }

  @Override
  public void post(Runnable step) {
    if (shutdown) {
      return;
    }
    synchronized (this) {
      running++;
    }
    try {
      thread.execute(
          () -> {
            try {
              if (!shutdown) {
                SessionLoop.guarded(step).run();
              }
            } finally {
              synchronized (this) {
                running--;
                notifyAll();
              }
            }
          });
    } catch (RejectedExecutionException stopped) {
      synchronized (this) {
        running--;
        notifyAll();
      }
    }
  }

  @Override
  public Timer schedule(Runnable step, long delayMs) {
    if (delayMs <= 0) {
      post(step); // as a scheduled executor would: at once, after what is already posted
      return () -> {};
    }
    return add(delayMs, step, 0);
  }

  @Override
  public Timer every(Runnable step, long periodMs) {
    return add(periodMs, step, periodMs);
  }

  private synchronized Pending add(long delayMs, Runnable step, long periodMs) {
    Pending p = new Pending(clock.millis() + delayMs, step, periodMs);
    if (!shutdown) {
      timers.add(p);
    }
    return p;
  }

  /** A periodic timer ran: the same timer (so cancelling it still works) is due a period later. */
  private synchronized void again(Pending p) {
    p.dueMs = clock.millis() + p.periodMs;
    p.order = seq++;
    if (!shutdown) {
      timers.add(p);
    }
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public void shutdown() {
    shutdown = true;
    synchronized (this) {
      timers.clear();
      // Steps still queued never run: they no longer count, or settling would wait for them.
      running -= thread.shutdownNow().size();
      notifyAll();
    }
  }

  /** Waits until nothing posted is queued or running. */
  synchronized void settle() {
    long until = System.currentTimeMillis() + SETTLE_LIMIT_MS;
    while (running > 0) {
      long left = until - System.currentTimeMillis();
      if (left <= 0) {
        throw new AssertionError("the sink loop did not settle within " + SETTLE_LIMIT_MS + " ms");
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Moves the clock by {@code d}, running every timer at its time, the loop settled between. */
  void advance(Duration d) {
    long target = clock.millis() + d.toMillis();
    while (step(target)) {
      // each step ran a timer or moved the clock by at most STEP
    }
  }

  /**
   * Moves the clock in steps until {@code condition} holds, checking after each; fails if it does
   * not within {@code limit} of clock time. Returns the clock time that took.
   */
  Duration advanceUntil(BooleanSupplier condition, Duration limit) {
    long start = clock.millis();
    long end = start + limit.toMillis();
    settle();
    while (!condition.getAsBoolean()) {
      if (!step(end)) {
        throw new AssertionError("not so within " + limit + " of clock time");
      }
    }
    return Duration.ofMillis(clock.millis() - start);
  }

  /**
   * Moves the clock by {@code d} in steps, failing as soon as {@code condition} stops holding: the
   * hand-moved counterpart of awaiting that something stays true for a while.
   */
  void holdsFor(Duration d, BooleanSupplier condition) {
    long target = clock.millis() + d.toMillis();
    do {
      if (!condition.getAsBoolean()) {
        long after = d.toMillis() - (target - clock.millis());
        throw new AssertionError("stopped holding after " + after + " ms of clock time");
      }
    } while (step(target));
  }

  /**
   * One step towards {@code target}: the clock moves to the next timer or by {@link #STEP},
   * whichever comes first, the Hub ticks, the due timer runs and the loop settles. False once the
   * clock is at the target.
   */
  private boolean step(long target) {
    settle();
    long now = clock.millis();
    if (now >= target) {
      return false;
    }
    Pending due;
    synchronized (this) {
      while (!timers.isEmpty() && timers.peek().cancelled) {
        timers.poll();
      }
      Pending next = timers.peek();
      long to = Math.min(target, now + STEP.toMillis());
      due = next != null && next.dueMs <= to ? timers.poll() : null;
      clock.advance(Duration.ofMillis((due != null ? Math.max(now, due.dueMs) : to) - now));
    }
    afterEachStep.run();
    settle();
    if (due != null) {
      post(() -> runTimer(due));
      settle();
    }
    return true;
  }

  private void runTimer(Pending p) {
    if (p.cancelled || shutdown) {
      return;
    }
    SessionLoop.guarded(p.step).run();
    if (p.periodMs > 0 && !p.cancelled) {
      again(p); // fixed delay, as scheduleWithFixedDelay
    }
  }
}
