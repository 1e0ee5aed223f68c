package io.nexomatic.sink.session;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The production {@link SessionLoop}: one daemon thread ("sink-loop") on a real clock. */
final class ExecutorSessionLoop implements SessionLoop {
  private final Clock clock;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(ExecutorSessionLoop::loopThread);

  ExecutorSessionLoop(Clock clock) {
    this.clock = clock;
  }

  /** The loop's thread: named for thread dumps, a daemon so that it never holds the JVM up. */
  static Thread loopThread(Runnable r) {
    Thread t = new Thread(r, "sink-loop");
    t.setDaemon(true);
    return t;
  }

  @Override
  public void post(Runnable step) {
    try {
      loop.execute(SessionLoop.guarded(step));
    } catch (RejectedExecutionException stopped) {
      // the sink has stopped: nothing left to do
    }
  }

  @Override
  public Timer schedule(Runnable step, long delayMs) {
    try {
      return cancellable(loop.schedule(SessionLoop.guarded(step), delayMs, TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException stopped) {
      return () -> {}; // the sink has stopped
    }
  }

  @Override
  public Timer every(Runnable step, long periodMs) {
    try {
      return cancellable(
          loop.scheduleWithFixedDelay(
              SessionLoop.guarded(step), periodMs, periodMs, TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException stopped) {
      return () -> {};
    }
  }

  private static Timer cancellable(ScheduledFuture<?> f) {
    return () -> f.cancel(false);
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public void shutdown() {
    loop.shutdownNow();
  }
}
