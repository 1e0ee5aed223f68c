package io.nexomatic.bench;

import java.util.Arrays;
import java.util.List;

/** Entry point: {@code java -jar bench/target/nexomatic-bench.jar <benchmark> [options]}. */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help")) {
      usage();
      System.exit(args.length == 0 ? 2 : 0);
    }
    // The mock API server logs every request through java.util.logging; the table is the output.
    java.util.logging.LogManager.getLogManager().reset();
    // The operator harness installs the committed CRD; benchmarks run from the repository root.
    if (System.getProperty("nexomatic.committedCrds") == null
        && java.nio.file.Files.isDirectory(java.nio.file.Path.of("crds"))) {
      System.setProperty("nexomatic.committedCrds", "crds");
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    switch (args[0]) {
      case "autoscaling" -> AutoscalingBench.main(rest);
      case "sink-footprint" -> SinkFootprintBench.main(rest);
      case "operator-scale" -> OperatorScaleBench.main(rest);
      case "python-overhead" -> PythonOverheadBench.main(rest);
      case "dispatch" -> DispatchBench.main(rest);
      case "logs" -> LogsBench.main(rest);
      case "hub-black-hole" -> HubBlackHoleBench.main(rest);
      default -> {
        System.err.println("unknown benchmark '" + args[0] + "'");
        usage();
        System.exit(2);
      }
    }
    // The system under test leaves non-daemon threads (informers, gRPC) behind on purpose.
    System.exit(0);
  }

  private static void usage() {
    System.err.println(
        """
        usage: java -jar bench/target/nexomatic-bench.jar <benchmark> [options]

          autoscaling [--samples N] [--polls 1,5]
              time from a backlog burst (100 tasks) to the Deployment's new replica count,
              through the real operator (mock API server) reading a real in-process Hub,
              next to the poll interval and the cost of one read of the Hub

          sink-footprint [--samples N]
              a sink process's time from start to Ready and its idle resident memory, with the
              image's JVM flags, tuned flags, and tuned flags plus AppCDS, next to the 100 MB goal

          operator-scale [--fleets N]
              N fleets (default 1000) to Ready on the mock API server: time, the operator's writes,
              the writes of a no-op reconcile of all of them (goal 0), heap

          python-overhead [--tasks N]
              no-op Python tasks through the sink's executor against a bare loop spawning the same
              bootstrap at the same concurrency (goal: at most 5 % overhead)

          dispatch [--tasks N] [--concurrency C] [--prefetch P] [--latency-samples N]
              no-op tasks through the Hub and a sink session over loopback TCP: tasks/s with
              C+P in flight and p50/p99 enqueue->start and enqueue->result one at a time, against
              a raw gRPC bidirectional ping-pong of the same messages (goal: at least 0.5 of raw)

          logs [--mib N]
              MB/s of one Python task's output (default 64 MiB) read raw from its pipe, through
              the sink's log pipeline, and through the sink's log stream into the Hub

          hub-black-hole [--fleets N] [--seconds S]
              one fleet whose Hub accepts TCP and never answers among N fleets (default 1000) on
              a real kube-apiserver: its longest reconcile and the reconciles that last the whole
              read deadline, Hub read inline (the old path) against the poller, in one run
        """);
  }
}
