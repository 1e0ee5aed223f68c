package io.nexomatic.bench;

import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.exec.PythonTaskExecutor;
import io.nexomatic.sink.exec.TaskExecutors;
import io.nexomatic.sink.exec.TaskSpec;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast a task's output reaches the Hub: one Python task writing text lines as fast as it can,
 * read three ways in alternating rounds: its pipe read raw by a bare loop, the sink's executor (log
 * pipeline: UTF-8 chunking, secret masking, cap) into a sink that only counts, and the whole path
 * through the sink's log stream into the Hub over loopback TCP. Rates run from the first byte to
 * the last, so interpreter start-up is not in them.
 */
final class LogsBench {

  private LogsBench() {}

  /** Writes {@code payload.bytes} bytes of 100-byte text lines in 64 KiB writes. */
  private static final String LOUD =
      """
      import sys


      def run(payload, params):
          total = int(payload["bytes"])
          line = b"x" * 99 + b"\\n"
          block = line * 655
          out = sys.stdout.buffer
          written = 0
          while written + len(block) <= total:
              out.write(block)
              written += len(block)
          rest = total - written
          out.write((line * (rest // len(line) + 1))[:rest])
          out.flush()
          return None
      """;

  static void main(List<String> args) throws Exception {
    int i = args.indexOf("--mib");
    long bytes = (i < 0 ? 64 : Integer.parseInt(args.get(i + 1))) * 1024L * 1024L;
    String payload = "{\"bytes\": " + bytes + "}";
    // Everything forwarded: the cap (MAX_LOG_BYTES) keeps head and tail of bigger logs.
    long cap = bytes + 2 * 1024 * 1024;
    try (var python = new PythonTasks(Map.of("loud", LOUD));
        var hub =
            new BenchHub(
                Map.of(
                    "MAX_LOG_BYTES",
                    Long.toString(cap),
                    "MODULES_PATH",
                    python.modules.toString(),
                    "WORK_DIR",
                    python.dir.resolve("work-hub").toString()),
                config -> TaskExecutors.forConfig(config, python.sinkEnv),
                cap)) {
      PythonTaskExecutor executor = python.executor("work", cap, 256);
      try {
        // Warm-up: JIT of the pipeline, the session and the Hub.
        raw(python, "warm", payload);
        sinkOnly(executor, "warm", payload);
        viaHub(hub, payload);
        System.out.printf(
            Locale.ROOT,
            "logs: one Python task writing %d MiB of 100-byte lines in 64 KiB writes, %d cores%n"
                + "MB/s from its first byte to its last, read raw from the pipe, through the sink's"
                + " log pipeline, and into the Hub%n%n%-6s %10s %14s %10s %10s %10s%n",
            bytes / (1024 * 1024),
            Runtime.getRuntime().availableProcessors(),
            "round",
            "raw pipe",
            "sink pipeline",
            "to Hub",
            "pipe/raw",
            "Hub/raw");
        double[] best = new double[3];
        for (int round = 1; round <= 3; round++) {
          double r = raw(python, "r" + round, payload);
          double s = sinkOnly(executor, "s" + round, payload);
          double h = viaHub(hub, payload);
          best[0] = Math.max(best[0], r);
          best[1] = Math.max(best[1], s);
          best[2] = Math.max(best[2], h);
          System.out.printf(
              Locale.ROOT,
              "%-6d %10.0f %14.0f %10.0f %10.2f %10.2f%n",
              round,
              r,
              s,
              h,
              s / r,
              h / r);
        }
        System.out.printf(
            Locale.ROOT,
            "%-6s %10.0f %14.0f %10.0f %10.2f %10.2f%n",
            "best",
            best[0],
            best[1],
            best[2],
            best[1] / best[0],
            best[2] / best[0]);
      } finally {
        executor.close();
      }
    }
  }

  /** The bare bootstrap's output read from its pipe in 64 KiB reads; MB/s. */
  private static double raw(PythonTasks python, String id, String payload) throws Exception {
    Process p = python.startBare(id, "bench.loud", payload);
    byte[] buf = new byte[64 * 1024];
    long first = 0;
    long total = 0;
    try (InputStream in = p.getInputStream()) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (first == 0 && n > 0) {
          first = System.nanoTime();
        }
        total += n;
      }
    }
    long end = System.nanoTime();
    python.finishBare(p, id);
    return total / ((end - first) / 1e3);
  }

  /** Through the sink's executor into a log sink that only counts; MB/s. */
  private static double sinkOnly(PythonTaskExecutor executor, String id, String payload)
      throws Exception {
    AtomicLong first = new AtomicLong();
    AtomicLong end = new AtomicLong();
    AtomicLong total = new AtomicLong();
    var outcome =
        executor
            .start(
                new TaskSpec(id, 1, "bench.loud", payload, List.of(), Duration.ZERO),
                chunk -> {
                  if (first.get() == 0 && chunk.data().length > 0) {
                    first.set(System.nanoTime());
                  }
                  total.addAndGet(chunk.data().length);
                  if (chunk.eof()) {
                    end.set(System.nanoTime());
                  }
                })
            .outcome()
            .get(5, TimeUnit.MINUTES);
    if (outcome.state() != TaskState.SUCCESS) {
      throw new IllegalStateException("task " + id + " through the sink's executor: " + outcome);
    }
    return total.get() / ((end.get() - first.get()) / 1e3);
  }

  /** Through the sink's session and log stream into the Hub; MB/s as the Hub stored it. */
  private static double viaHub(BenchHub hub, String payload) throws Exception {
    String id = hub.submit("bench.loud", payload);
    long end;
    try {
      end = hub.journal.logEnd(id).get(2, TimeUnit.MINUTES);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the end of task "
              + id
              + "'s log never reached the Hub; the Hub holds "
              + hub.journal.logBytes(id)
              + " bytes of it: "
              + hub.task(id),
          e);
    }
    hub.journal.result(id).get(1, TimeUnit.MINUTES);
    var task = hub.task(id);
    if (task.getState() != TaskState.SUCCESS) {
      throw new IllegalStateException("task " + id + " through the Hub: " + task);
    }
    return hub.journal.logBytes(id) / ((end - hub.journal.logStart(id)) / 1e3);
  }
}
