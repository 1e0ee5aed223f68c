package io.nexomatic.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.nexomatic.operator.model.SinkFleetStatus;
import io.nexomatic.protocol.v1.QueueStatsResponse;
import io.nexomatic.protocol.v1.Sink;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the demo prints: the progress line, the cluster's events, the summary table, and how to poke
 * at the running system from another terminal. {@link Demo} gathers the figures; this only words
 * them.
 */
final class DemoConsole {
  private final PrintStream out;

  DemoConsole(PrintStream out) {
    this.out = out;
  }

  void submitted(List<TaskMix> kinds) {
    out.printf(Locale.ROOT, "Submitted  %d tasks: %s%n%n", kinds.size(), mixLine(kinds));
  }

  void event(Event e) {
    out.printf(Locale.ROOT, "      event %s: %s%n", e.getReason(), e.getMessage());
  }

  /** One progress line: the batch, the Hub's queue and the fleet's replicas. */
  void progress(
      long elapsedSeconds,
      long done,
      int total,
      QueueStatsResponse stats,
      SinkFleetStatus fleet,
      Map<String, Task> tasks) {
    long queued = stats.getStatsCount() == 0 ? 0 : stats.getStats(0).getQueued();
    long leased = stats.getStatsCount() == 0 ? 0 : stats.getStats(0).getLeased();
    int connected = stats.getStatsCount() == 0 ? 0 : stats.getStats(0).getConnectedSinks();
    Integer desired = fleet == null ? null : fleet.getDesiredReplicas();
    Integer ready = fleet == null ? null : fleet.getReadyReplicas();
    var byState = new EnumMap<TaskState, Integer>(TaskState.class);
    tasks.values().forEach(t -> byState.merge(t.getState(), 1, Integer::sum));
    int width = 24;
    int filled = (int) (width * done / Math.max(1, total));
    out.printf(
        Locale.ROOT,
        "%4ds  [%s%s] %3d/%d  queue %3d leased %2d | sinks desired %s ready %s connected %d |"
            + " ok %d warn %d error %d%n",
        elapsedSeconds,
        "#".repeat(filled),
        ".".repeat(width - filled),
        done,
        total,
        queued,
        leased,
        desired == null ? "-" : desired,
        ready == null ? "-" : ready,
        connected,
        byState.getOrDefault(TaskState.SUCCESS, 0),
        byState.getOrDefault(TaskState.WARNING, 0),
        byState.getOrDefault(TaskState.ERROR, 0));
  }

  void killed(Sink sink) {
    out.printf(
        Locale.ROOT,
        "      chaos: SIGKILL to sink %s (pod %s) holding %d task(s); the Hub re-queues them"
            + " when their lease expires%n",
        sink.getSinkUuid().substring(0, 8),
        sink.getPodName(),
        sink.getBusy());
  }

  /**
   * The table of tasks by module and the verdict line.
   *
   * @return how many tasks did not end in the state their module must end in
   */
  int summary(
      Map<String, TaskMix> submitted,
      Map<String, Task> last,
      String killed,
      long elapsedSeconds,
      DemoPods runner) {
    out.println();
    out.printf(
        Locale.ROOT,
        "%-12s %-9s %6s %8s %8s %8s %8s%n",
        "module",
        "expected",
        "tasks",
        "success",
        "warning",
        "error",
        "as expected");
    int wrong = 0;
    for (TaskMix kind : TaskMix.values()) {
      var mine =
          submitted.entrySet().stream()
              .filter(e -> e.getValue() == kind)
              .map(e -> last.get(e.getKey()))
              .toList();
      if (mine.isEmpty()) {
        continue;
      }
      long ok = mine.stream().filter(t -> t != null && t.getState() == TaskState.SUCCESS).count();
      long warn = mine.stream().filter(t -> t != null && t.getState() == TaskState.WARNING).count();
      long err = mine.stream().filter(t -> t != null && t.getState() == TaskState.ERROR).count();
      long expected = mine.stream().filter(t -> t != null && t.getState() == kind.expected).count();
      wrong += mine.size() - expected;
      out.printf(
          Locale.ROOT,
          "%-12s %-9s %6d %8d %8d %8d %8s%n",
          kind.module,
          kind.expected,
          mine.size(),
          ok,
          warn,
          err,
          expected == mine.size() ? "yes" : "NO (" + expected + ")");
    }
    long rerun = last.values().stream().filter(t -> t.getAttempt() > 1).count();
    out.println();
    out.printf(
        Locale.ROOT,
        "%d tasks in %d s; %d ran again after a lost sink%s; sink processes started %d, stopped %d%n",
        submitted.size(),
        elapsedSeconds,
        rerun,
        killed == null ? "" : " (killed " + killed + ")",
        runner.startedCount(),
        runner.stoppedCount());
    out.println(
        wrong == 0
            ? "RESULT: every task reached its expected state"
            : "RESULT: " + wrong + " task(s) did not reach their expected state");
    return wrong;
  }

  /** How to look at the demo's cluster with kubectl from another terminal, or why one cannot. */
  static String kubectlHint(DemoCluster cluster, String ns, String name) {
    return cluster
        .kubectl()
        .map(
            k ->
                String.format(
                    Locale.ROOT,
                    "kubectl    from another terminal, while the demo runs:%n"
                        + "  export KUBECONFIG=%s%n"
                        + "  alias kubectl=%s%n"
                        + "  %-48s # printer columns%n"
                        + "  %-48s # conditions and Events%n"
                        + "  %-48s # e.g. spec.autoscaling.maxReplicas%n"
                        + "  %-48s # the children%n%n",
                    k.kubeconfig(),
                    k.command(),
                    "kubectl -n " + ns + " get sinkfleets",
                    "kubectl -n " + ns + " describe sf " + name,
                    "kubectl -n " + ns + " edit sf " + name,
                    "kubectl -n " + ns + " get deployments,pods,events"))
        .orElse(
            String.format(
                Locale.ROOT,
                "kubectl    not against the mock API server, which serves no API discovery: run"
                    + " scripts/k8s-test-binaries.sh once, then the demo with --api real%n%n"));
  }

  /** How to submit more tasks from another terminal while the demo keeps running. */
  void stillRunning(String hubHost, int hubPort, String adminToken, String sinkType) {
    out.printf(
        Locale.ROOT,
        "%nStill running. Submit more from another terminal:%n"
            + "  export NEXOMATIC_HUB=%s:%d NEXOMATIC_TOKEN=%s%n"
            + "  java -jar reference-hub/target/nexomatic-hub.jar submit --type %s --module demo.ok"
            + " --payload '{\"n\": 1}' --wait%n"
            + "  java -jar reference-hub/target/nexomatic-hub.jar stats --type %s%n"
            + "Ctrl-C stops the demo (the sinks drain first).%n",
        hubHost,
        hubPort,
        adminToken,
        sinkType,
        sinkType);
  }

  private static String mixLine(List<TaskMix> kinds) {
    var counts = new EnumMap<TaskMix, Integer>(TaskMix.class);
    kinds.forEach(k -> counts.merge(k, 1, Integer::sum));
    var parts = new ArrayList<String>();
    counts.forEach((k, n) -> parts.add(n + " " + k.module + " (→ " + k.expected + ")"));
    return String.join(", ", parts);
  }
}
