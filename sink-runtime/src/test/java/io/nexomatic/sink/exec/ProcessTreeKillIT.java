package io.nexomatic.sink.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.testing.CollectingLogSink;
import io.nexomatic.sink.testing.ProcessAssertions;
import io.nexomatic.sink.testing.PythonEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timeout, cancel and force kill reach the whole process tree (gitlab-runner #3376). */
class ProcessTreeKillIT {
  /** Spawns `sleep 300` directly and via a backgrounding shell, reports both pids, then hangs. */
  private static final String SPAWNER =
      "import subprocess, time, sys\n"
          + "def run(payload, params):\n"
          + "    child = subprocess.Popen(['sleep', '300'])\n"
          + "    print('POPEN_PID=%d' % child.pid, flush=True)\n"
          + "    subprocess.run(['sh', '-c', 'sleep 301 & echo BG_PID=$!'], check=True)\n"
          + "    sys.stdout.flush()\n"
          + "    time.sleep(300)\n";

  /** Ignores TERM so only the KILL after the grace period can end it. */
  private static final String STUBBORN =
      "import signal, subprocess, time\n"
          + "def run(payload, params):\n"
          + "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
          + "    child = subprocess.Popen(['sh', '-c', 'trap \"\" TERM; sleep 302'])\n"
          + "    print('STUBBORN_PID=%d' % child.pid, flush=True)\n"
          + "    time.sleep(300)\n";

  @TempDir Path tmp;
  private PythonEnv env;
  private PythonTaskExecutor executor;

  @BeforeEach
  void setUp() {
    env = new PythonEnv(tmp).module("spawner", SPAWNER).module("stubborn", STUBBORN);
    executor = env.executor(Duration.ofSeconds(60), 5 * 1024 * 1024);
  }

  @AfterEach
  void tearDown() {
    executor.close();
  }

  private RunningTask start(String module, Duration timeout, CollectingLogSink sink) {
    return executor.start(new TaskSpec("kill-1", 1, module, "{}", List.of(), timeout), sink);
  }

  private static long[] awaitPids(CollectingLogSink sink, String... labels) {
    long[] pids = new long[labels.length];
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              for (int i = 0; i < labels.length; i++) {
                pids[i] = ProcessAssertions.reportedPid(sink.text(), labels[i]);
                if (pids[i] < 0) {
                  return false;
                }
              }
              return true;
            });
    return pids;
  }

  @Test
  void timeoutKillsGrandchildrenAndReportsTimedOut() throws Exception {
    CollectingLogSink sink = new CollectingLogSink();
    // Long enough for the module to spawn both grandchildren even on a loaded machine.
    RunningTask task = start("samples.spawner", Duration.ofSeconds(20), sink);
    long[] pids = awaitPids(sink, "POPEN_PID", "BG_PID");
    assertThat(ProcessAssertions.running(pids[0])).isTrue();
    assertThat(ProcessAssertions.running(pids[1])).isTrue();

    TaskOutcome o = task.outcome().get(180, TimeUnit.SECONDS);
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.messages()).containsExactly("timed out after 20 s");
    assertThat(o.interrupted()).isFalse();
    await().atMost(Duration.ofSeconds(60)).until(() -> !ProcessAssertions.running(pids[0]));
    await().atMost(Duration.ofSeconds(60)).until(() -> !ProcessAssertions.running(pids[1]));
  }

  @Test
  void cancelKillsGrandchildrenAndReportsCancelledWithReason() throws Exception {
    CollectingLogSink sink = new CollectingLogSink();
    RunningTask task = start("samples.spawner", Duration.ZERO, sink);
    long[] pids = awaitPids(sink, "POPEN_PID", "BG_PID");

    task.cancel("requested by admin");
    TaskOutcome o = task.outcome().get(180, TimeUnit.SECONDS);
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.messages()).containsExactly("cancelled: requested by admin");
    assertThat(o.interrupted()).isTrue();
    await().atMost(Duration.ofSeconds(60)).until(() -> !ProcessAssertions.running(pids[0]));
    await().atMost(Duration.ofSeconds(60)).until(() -> !ProcessAssertions.running(pids[1]));
    assertThat(sink.ended()).isTrue();
  }

  @Test
  void cancelEscalatesToKillWhenTheTreeIgnoresTerm() throws Exception {
    CollectingLogSink sink = new CollectingLogSink();
    RunningTask task = start("samples.stubborn", Duration.ZERO, sink);
    long pid = awaitPids(sink, "STUBBORN_PID")[0];

    task.cancel("stop");
    TaskOutcome o = task.outcome().get(180, TimeUnit.SECONDS);
    assertThat(o.messages()).containsExactly("cancelled: stop");
    assertThat(o.resultCode()).as("ended by SIGKILL").isEqualTo(128 + 9);
    await().atMost(Duration.ofSeconds(60)).until(() -> !ProcessAssertions.running(pid));
  }

  @Test
  void forceKillEndsTheTreeAtOnceAndMarksInterrupted() throws Exception {
    CollectingLogSink sink = new CollectingLogSink();
    RunningTask task = start("samples.stubborn", Duration.ZERO, sink);
    long pid = awaitPids(sink, "STUBBORN_PID")[0];

    task.forceKill();
    TaskOutcome o = task.outcome().get(180, TimeUnit.SECONDS);
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.interrupted()).isTrue();
    assertThat(o.messages()).containsExactly("interrupted: the sink force-killed the task");
    await().atMost(Duration.ofSeconds(60)).until(() -> !ProcessAssertions.running(pid));
  }

  @Test
  void backgroundChildLeftAfterNormalExitIsKilledAndDoesNotHoldTheLog() throws Exception {
    env.module(
        "leaver",
        "import subprocess\n"
            + "def run(payload, params):\n"
            + "    subprocess.run(['sh', '-c', 'sleep 303 & echo LEFT_PID=$!'], check=True)\n"
            + "    return 'left a child behind'\n");
    CollectingLogSink sink = new CollectingLogSink();
    RunningTask task = start("samples.leaver", Duration.ZERO, sink);
    TaskOutcome o = task.outcome().get(180, TimeUnit.SECONDS);
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    long pid = ProcessAssertions.reportedPid(sink.text(), "LEFT_PID");
    assertThat(pid).isPositive();
    await().atMost(Duration.ofSeconds(60)).until(() -> !ProcessAssertions.running(pid));
  }

  @Test
  void cancelAfterTheTaskEndedChangesNothing() throws Exception {
    env.module("quick", "def run(payload, params):\n    return 'quick'\n");
    RunningTask task = start("samples.quick", Duration.ZERO, new CollectingLogSink());
    TaskOutcome o = task.outcome().get(180, TimeUnit.SECONDS);
    task.cancel("too late");
    task.forceKill();
    assertThat(task.outcome().get()).isSameAs(o);
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
  }
}
