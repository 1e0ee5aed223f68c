package io.nexomatic.sink.exec;

import io.nexomatic.sink.log.LogStats;
import io.nexomatic.sink.log.TaskLogPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One started subprocess task: pumps its output, enforces its timeout, derives its outcome. */
final class SubprocessRunningTask implements RunningTask {
  private static final Logger log = LoggerFactory.getLogger(SubprocessRunningTask.class);

  /**
   * After the process exits, how long to wait for its output pipe to close beyond KILL_GRACE. A
   * process that left the group (its own setsid) and kept the pipe open must not hold the result.
   */
  private static final Duration PIPE_CLOSE_SLACK = Duration.ofSeconds(5);

  private static final Map<Integer, String> SIGNALS =
      Map.of(
          1, "HUP", 2, "INT", 3, "QUIT", 6, "ABRT", 9, "KILL", 11, "SEGV", 13, "PIPE", 15, "TERM");

  private final TaskSpec spec;
  private final Process process;
  private final Instant startedAt;
  private final Duration timeout;
  private final Duration killGrace;
  private final Path dir;
  private final Path resultFile;
  private final TaskLogPipeline pipeline;
  private final ProcessTreeKiller killer;
  private final ExecutorService io;
  private final ScheduledExecutorService scheduler;
  private final Consumer<SubprocessRunningTask> onDone;
  private final CompletableFuture<TaskOutcome> outcome = new CompletableFuture<>();
  private final CompletableFuture<Void> pumpDone = new CompletableFuture<>();

  /** Why the sink stopped the task; the first reason wins. Guarded by this. */
  private StopReason stopReason;

  private String cancelReason;
  private ScheduledFuture<?> timeoutFuture;
  private ScheduledFuture<?> flushFuture;

  private enum StopReason {
    TIMEOUT,
    CANCEL,
    FORCE_KILL
  }

  SubprocessRunningTask(
      TaskSpec spec,
      Process process,
      Instant startedAt,
      Duration timeout,
      Duration killGrace,
      Path dir,
      Path resultFile,
      TaskLogPipeline pipeline,
      ProcessTreeKiller killer,
      ExecutorService io,
      ScheduledExecutorService scheduler,
      Consumer<SubprocessRunningTask> onDone) {
    this.spec = spec;
    this.process = process;
    this.startedAt = startedAt;
    this.timeout = timeout;
    this.killGrace = killGrace;
    this.dir = dir;
    this.resultFile = resultFile;
    this.pipeline = pipeline;
    this.killer = killer;
    this.io = io;
    this.scheduler = scheduler;
    this.onDone = onDone;
  }

  /** Feeds stdin, starts the output pump, the flush timer and the timeout. */
  void begin(byte[] input, Duration flushInterval) {
    io.execute(() -> writeInput(input));
    io.execute(this::pump);
    long flushMs = flushInterval.toMillis();
    flushFuture =
        scheduler.scheduleAtFixedRate(pipeline::flush, flushMs, flushMs, TimeUnit.MILLISECONDS);
    timeoutFuture = scheduler.schedule(this::onTimeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
    process.onExit().thenRunAsync(this::finish, io);
  }

  private void writeInput(byte[] input) {
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input);
    } catch (IOException e) {
      // The process ended or closed stdin without reading it; its outcome will say why.
      log.debug("task {}: stdin not fully written: {}", spec.taskId(), e.toString());
    }
  }

  private void pump() {
    byte[] buf = new byte[64 * 1024];
    try (InputStream out = process.getInputStream()) {
      int n;
      while ((n = out.read(buf)) > 0) {
        pipeline.write(buf, 0, n);
      }
    } catch (IOException e) {
      log.debug("task {}: output pipe closed: {}", spec.taskId(), e.toString());
    } catch (RuntimeException e) {
      log.warn("task {}: log pipeline failed: {}", spec.taskId(), e.toString());
    } finally {
      pumpDone.complete(null);
    }
  }

  private void onTimeout() {
    if (stop(StopReason.TIMEOUT)) {
      killer.terminate(process.toHandle(), killGrace);
    }
  }

  @Override
  public void cancel(String reason) {
    synchronized (this) {
      if (stopReason == null && process.isAlive()) {
        cancelReason = reason;
      }
    }
    if (stop(StopReason.CANCEL)) {
      killer.terminate(process.toHandle(), killGrace);
    }
  }

  @Override
  public void forceKill() {
    synchronized (this) {
      if (!process.isAlive() || outcome.isDone()) {
        return;
      }
      // Force kill overrides a cancel or timeout in progress: it must not wait for their grace.
      stopReason = StopReason.FORCE_KILL;
    }
    killer.kill(process.toHandle());
  }

  /** Records the stop reason when none is set and the process still runs. */
  private synchronized boolean stop(StopReason reason) {
    if (stopReason != null || !process.isAlive()) {
      return false;
    }
    stopReason = reason;
    return true;
  }

  private void finish() {
    try {
      timeoutFuture.cancel(false);
      killer.killRemainingGroup(process.pid());
      awaitPump();
      flushFuture.cancel(false);
      LogStats stats = pipeline.finish();
      TaskOutcome result = deriveOutcome(process.exitValue(), stats);
      WorkDirs.deleteQuietly(dir);
      log.debug(
          "task {} attempt {} ended {} (code {})",
          spec.taskId(),
          spec.attempt(),
          result.state(),
          result.resultCode());
      outcome.complete(result);
    } catch (RuntimeException e) {
      log.error("task {}: failed to complete its outcome", spec.taskId(), e);
      WorkDirs.deleteQuietly(dir);
      outcome.complete(
          TaskOutcome.sinkError(
              1,
              "sink failed to collect the outcome: " + e,
              startedAt,
              Instant.now(),
              pipeline.stats(),
              false));
    } finally {
      onDone.accept(this);
    }
  }

  private void awaitPump() {
    try {
      pumpDone.get(killGrace.plus(PIPE_CLOSE_SLACK).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn(
          "task {}: a process outside the task's group still holds its output open; the log ends"
              + " here",
          spec.taskId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // pumpDone never completes exceptionally.
    }
  }

  private TaskOutcome deriveOutcome(int exitCode, LogStats stats) {
    StopReason reason;
    String cancelled;
    synchronized (this) {
      reason = stopReason;
      cancelled = cancelReason;
    }
    Instant now = Instant.now();
    if (reason == StopReason.FORCE_KILL) {
      return TaskOutcome.sinkError(
          exitCode, "interrupted: the sink force-killed the task", startedAt, now, stats, true);
    }
    if (reason == StopReason.CANCEL) {
      return TaskOutcome.sinkError(
          exitCode, "cancelled: " + cancelled, startedAt, now, stats, true);
    }
    if (reason == StopReason.TIMEOUT) {
      return TaskOutcome.sinkError(
          exitCode, "timed out after " + seconds(timeout) + " s", startedAt, now, stats, false);
    }
    Optional<ModuleResult> result = ModuleResult.read(resultFile, exitCode);
    if (result.isPresent()) {
      ModuleResult r = result.get();
      return new TaskOutcome(
          r.state(), r.resultCode(), r.messages(), r.dataJson(), startedAt, now, stats, false);
    }
    return TaskOutcome.sinkError(
        exitCode == 0 ? 1 : exitCode,
        describeMissingResult(exitCode),
        startedAt,
        now,
        stats,
        false);
  }

  /** Java reports death by signal N as exit code 128 + N. */
  static String describeMissingResult(int exitCode) {
    if (exitCode > 128 && exitCode < 128 + 65) {
      int signal = exitCode - 128;
      String name = SIGNALS.getOrDefault(signal, Integer.toString(signal));
      return "task process was killed by signal "
          + signal
          + " (SIG"
          + name
          + ") before reporting a result";
    }
    return "task process exited with code " + exitCode + " without reporting a result";
  }

  private static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
  }

  @Override
  public TaskSpec spec() {
    return spec;
  }

  @Override
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public CompletableFuture<TaskOutcome> outcome() {
    return outcome;
  }

  @Override
  public long peakRetainedLogBytes() {
    return pipeline.peakRetainedBytes();
  }

  /** The task's process id (also its process group id). */
  long pid() {
    return process.pid();
  }

  @Override
  public String toString() {
    return "task " + spec.taskId() + " attempt " + spec.attempt() + " (pid " + process.pid() + ")";
  }
}
