package io.nexomatic.bench;

import io.nexomatic.sink.exec.PythonTaskExecutor;
import io.nexomatic.sink.exec.TaskSpec;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the sink's executor costs per Python task: the same no-op Action module run through the
 * sink's PythonTaskExecutor (process group, prlimit, environment allowlist, log pipeline, result
 * file) and through a bare loop that spawns the same bootstrap with the same stdin document, at the
 * same concurrency, alternating rounds in one run.
 */
final class PythonOverheadBench {

  private PythonOverheadBench() {}

  static void main(List<String> args) throws Exception {
    int tasks =
        args.contains("--tasks") ? Integer.parseInt(args.get(args.indexOf("--tasks") + 1)) : 200;
    int concurrency = 4;
    try (var python =
        new PythonTasks(Map.of("noop", "def run(payload, params):\n    return None\n"))) {
      var executor = python.executor("work", 5 * 1024 * 1024, 256);
      // The same executor without MAX_TASK_PROCESSES: no prlimit exec in front of each task.
      var executorNoLimit = python.executor("work2", 5 * 1024 * 1024, 0);
      var counter = new AtomicInteger();
      Callable<Void> viaSink = () -> runNoop(executor, "t" + counter.incrementAndGet());
      Callable<Void> viaSinkNoLimit =
          () -> runNoop(executorNoLimit, "n" + counter.incrementAndGet());
      Callable<Void> bare =
          () -> {
            String id = "b" + counter.incrementAndGet();
            Process p = python.startBare(id, "bench.noop", "{}");
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            python.finishBare(p, id);
            return null;
          };
      ExecutorService pool = Executors.newFixedThreadPool(concurrency);
      try {
        run(pool, viaSink, 20);
        run(pool, viaSinkNoLimit, 20);
        run(pool, bare, 20);
        System.out.printf(
            Locale.ROOT,
            "python tasks: a no-op module, %d tasks per round, concurrency %d, %d cores%n%n"
                + "%-8s %14s %18s %14s %10s %12s%n",
            tasks,
            concurrency,
            Runtime.getRuntime().availableProcessors(),
            "round",
            "sink tasks/s",
            "sink, no prlimit",
            "bare tasks/s",
            "overhead",
            "no prlimit");
        double sinkBest = 0;
        double noLimitBest = 0;
        double bareBest = 0;
        for (int round = 1; round <= 3; round++) {
          double s = run(pool, viaSink, tasks);
          double nl = run(pool, viaSinkNoLimit, tasks);
          double b = run(pool, bare, tasks);
          sinkBest = Math.max(sinkBest, s);
          noLimitBest = Math.max(noLimitBest, nl);
          bareBest = Math.max(bareBest, b);
          System.out.printf(
              Locale.ROOT,
              "%-8d %14.1f %18.1f %14.1f %9.1f%% %11.1f%%%n",
              round,
              s,
              nl,
              b,
              (b / s - 1) * 100,
              (b / nl - 1) * 100);
        }
        System.out.printf(
            Locale.ROOT,
            "%-8s %14.1f %18.1f %14.1f %9.1f%% %11.1f%%%n",
            "best",
            sinkBest,
            noLimitBest,
            bareBest,
            (bareBest / sinkBest - 1) * 100,
            (bareBest / noLimitBest - 1) * 100);
      } finally {
        pool.shutdownNow();
        executor.close();
        executorNoLimit.close();
      }
    }
  }

  /** One no-op task through {@code executor}; fails unless it succeeds. */
  private static Void runNoop(PythonTaskExecutor executor, String taskId) throws Exception {
    var outcome =
        executor
            .start(
                new TaskSpec(taskId, 1, "bench.noop", "{}", List.of(), Duration.ZERO), chunk -> {})
            .outcome()
            .get();
    if (!outcome.state().name().equals("SUCCESS")) {
      throw new IllegalStateException(
          "task " + taskId + " through the sink's executor: " + outcome);
    }
    return null;
  }

  /** Runs {@code n} tasks through {@code pool}; returns tasks per second. */
  private static double run(ExecutorService pool, Callable<Void> task, int n) throws Exception {
    long start = System.nanoTime();
    List<Future<Void>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(pool.submit(task));
    }
    for (Future<Void> f : futures) {
      f.get();
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }
}
