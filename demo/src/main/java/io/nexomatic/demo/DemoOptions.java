package io.nexomatic.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's command line.
 *
 * @param tasks how many sample tasks to submit
 * @param chaos whether to kill one busy sink mid-task
 * @param keepRunning whether to stay up after the batch, for the Hub CLI
 * @param fleet the SinkFleet manifest to apply
 * @param root the repository root (sink jar, examples, CRD)
 * @param api {@code auto}, {@code real}, {@code node} or {@code mock}: which Kubernetes to run on
 */
record DemoOptions(
    int tasks, boolean chaos, boolean keepRunning, Path fleet, Path root, String api) {

  static final String USAGE =
      """
      usage: java -jar demo/target/nexomatic-demo.jar [options]   (from the repository root)

        --tasks N        sample tasks to submit (default 200)
        --no-chaos       do not kill a busy sink mid-task
        --keep-running   stay up after the batch and print how to submit more with the Hub CLI
        --fleet FILE     the SinkFleet to apply (default examples/backlog-autoscaling.yaml)
        --api KIND       auto (default: a real kube-apiserver when scripts/k8s-test-binaries.sh
                         has built one on this machine, else the fabric8 mock; sinks run as
                         local processes), real (the real node of scripts/local-cluster.sh when
                         it is up: sinks run as pods, else as auto), node (that node, required)
                         or mock
      """;

  /** Parses {@code args}; every problem is listed at once. */
  static DemoOptions parse(String[] args) {
    int tasks = 200;
    boolean chaos = true;
    boolean keep = false;
    Path fleet = null;
    String api = "auto";
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--tasks" -> {
          if (i + 1 >= args.length) {
            problems.add("--tasks needs a number, e.g. --tasks 50");
          } else {
            try {
              tasks = Integer.parseInt(args[++i]);
              if (tasks < 1 || tasks > 100_000) {
                problems.add("--tasks must be between 1 and 100000, got " + tasks);
              }
            } catch (NumberFormatException e) {
              problems.add("--tasks must be a number, got '" + args[i] + "'");
            }
          }
        }
        case "--no-chaos" -> chaos = false;
        case "--keep-running" -> keep = true;
        case "--fleet" -> {
          if (i + 1 >= args.length) {
            problems.add("--fleet needs a file, e.g. --fleet examples/backlog-autoscaling.yaml");
          } else {
            fleet = Path.of(args[++i]);
          }
        }
        case "--api" -> {
          if (i + 1 >= args.length
              || !List.of("auto", "real", "node", "mock").contains(args[i + 1])) {
            problems.add("--api must be auto, real, node or mock");
            i++;
          } else {
            api = args[++i];
          }
        }
        default -> problems.add("unknown option '" + args[i] + "'");
      }
    }
    Path root = repositoryRoot();
    if (root == null) {
      problems.add(
          "run the demo from the repository root (no crds/ and examples/ here or above "
              + Path.of("").toAbsolutePath()
              + ")");
    } else {
      if (fleet == null) {
        fleet = root.resolve("examples/backlog-autoscaling.yaml");
      }
      if (!Files.isRegularFile(fleet)) {
        problems.add("--fleet: no such file " + fleet);
      }
      Path sinkJar = root.resolve("sink-runtime/target/nexomatic-sink.jar");
      if (!Files.isRegularFile(sinkJar)) {
        problems.add(
            "the sink is not built ("
                + sinkJar
                + "): run ./mvnw -q -pl demo -am package -DskipTests first");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return new DemoOptions(tasks, chaos, keep, fleet, root, api);
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("crds")) && Files.isDirectory(p.resolve("examples"))) {
        return p;
      }
    }
    return null;
  }
}
