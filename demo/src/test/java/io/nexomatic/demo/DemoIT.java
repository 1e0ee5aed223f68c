package io.nexomatic.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nexomatic.hub.testing.RequiredTool;
import io.nexomatic.operator.testing.RealControlPlane;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * README's demo in a short run: real Hub over TCP, mock API server, the real operator scaling a
 * Backlog fleet, real sink processes running real Python modules, one sink killed mid-task.
 */
class DemoIT {

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aShortDemoEndsWithEveryTaskInItsExpectedStateAndExitCodeZero() throws Exception {
    // On the real kube-apiserver when the Kubernetes test binaries are built (as in CI).
    assertThat(DemoMain.run(new String[] {"--tasks", "30"})).isZero();
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void theDemoAlsoRunsOnTheMockApiServer() throws Exception {
    assertThat(DemoMain.run(new String[] {"--tasks", "10", "--api", "mock", "--no-chaos"}))
        .isZero();
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aDemoKeptRunningPrintsAKubeconfigThatKubectlUsesWhileItRuns() throws Exception {
    if (!RealControlPlane.binariesCached()) {
      RequiredTool.skip(
          "the Kubernetes test binaries are not built (scripts/k8s-test-binaries.sh), and kubectl"
              + " needs the demo's real kube-apiserver");
    }
    var printed = new ByteArrayOutputStream();
    var out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    var options =
        DemoOptions.parse(
            new String[] {"--tasks", "5", "--no-chaos", "--keep-running", "--api", "real"});
    System.setProperty("nexomatic.committedCrds", options.root().resolve("crds").toString());
    var demo =
        new Thread(
            () -> {
              try {
                new Demo(options, out).run();
              } catch (InterruptedException e) {
                // Ctrl-C's stand-in: the demo stops
              } catch (Exception e) {
                out.println("demo failed: " + e);
              }
            },
            "demo");
    demo.start();
    try {
      try {
        await()
            .atMost(Duration.ofMinutes(4))
            .until(
                () -> {
                  String sofar = printed.toString(StandardCharsets.UTF_8);
                  return sofar.contains("Still running") || sofar.contains("demo failed");
                });
        assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("demo failed");
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "the demo did not reach --keep-running; it printed:\n"
                + printed.toString(StandardCharsets.UTF_8),
            e);
      }
      String text = printed.toString(StandardCharsets.UTF_8);
      String kubeconfig = after(text, "export KUBECONFIG=");
      String kubectl = after(text, "alias kubectl=");

      String table = run(kubectl, kubeconfig, "-n", "nexomatic", "get", "sinkfleets");
      assertThat(table.lines().findFirst().orElseThrow())
          .contains("TYPE", "STATUS", "CONNECTED", "DESIRED", "QUEUED", "READY");
      assertThat(table).contains("python-backlog", "LOCAL:BASE");
      assertThat(run(kubectl, kubeconfig, "-n", "nexomatic", "describe", "sf", "python-backlog"))
          .contains("Type:                  Ready", "Events:", "Scaled");
      assertThat(
              run(
                  kubectl,
                  kubeconfig,
                  "-n",
                  "nexomatic",
                  "patch",
                  "sf",
                  "python-backlog",
                  "--type=merge",
                  "-p",
                  "{\"spec\":{\"autoscaling\":{\"maxReplicas\":1}}}"))
          .contains("patched");
      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(
              () ->
                  assertThat(
                          run(
                              kubectl,
                              kubeconfig,
                              "-n",
                              "nexomatic",
                              "get",
                              "deployment",
                              "python-backlog",
                              "-o",
                              "jsonpath={.spec.replicas}"))
                      .isEqualTo("1"));
    } finally {
      demo.interrupt();
      demo.join(Duration.ofMinutes(2).toMillis());
    }
  }

  private static String after(String text, String prefix) {
    return text.lines()
        .map(String::strip)
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the demo printed no " + prefix + " line:\n" + text));
  }

  private static String run(String kubectl, String kubeconfig, String... args) throws Exception {
    var command = new java.util.ArrayList<String>();
    command.add(kubectl);
    command.addAll(java.util.List.of(args));
    var pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", kubeconfig);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("kubectl %s: %s", String.join(" ", args), output).isZero();
    return output.strip();
  }

  @Test
  void badOptionsAreListedTogetherWithExitCodeTwo() throws Exception {
    assertThat(DemoMain.run(new String[] {"--tasks", "many", "--colour"})).isEqualTo(2);
  }
}
