package io.nexomatic.sink;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.StatusException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.H2TaskJournal;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.protocol.v1.HeldState;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.ResumeVerdict;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.protocol.v1.Welcome;
import io.nexomatic.sink.testing.PythonEnv;
import io.nexomatic.sink.testing.SinkProcess;
import io.nexomatic.sink.testing.TcpProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged sink as a real process (its own JVM), real Python tasks, and the reference Hub over
 * TCP on 127.0.0.1 behind a proxy the test can cut. Every task appends a line to a ledger file when
 * it starts, so a second execution cannot hide.
 */
class SinkProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration LEASE_TTL = Duration.ofSeconds(6);

  @TempDir Path tmp;
  private PythonEnv env;
  private Path ledger;
  private HubServer hub;
  private TcpProxy proxy;
  private final List<SinkProcess> sinks = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void modules() throws IOException {
    env = new PythonEnv(tmp);
    ledger = tmp.resolve("executions.txt");
    Files.writeString(ledger, "");
    env.module(
        "work",
        """
        import time

        def run(payload, params):
            with open(payload['ledger'], 'a') as f:
                f.write(payload['tag'] + '\\n')
            print('working for', payload['seconds'], 'seconds', flush=True)
            time.sleep(payload['seconds'])
            print('finished', payload['tag'], flush=True)
            return 'done ' + payload['tag']
        """);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (SinkProcess s : sinks) {
      s.close();
      // Whatever happened in the test, the sink's own log never carries its secret.
      assertThat(s.output()).doesNotContain(BASE_SECRET);
    }
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private HubServer startHub(TaskJournal journal) throws IOException {
    HubConfig config =
        HubConfig.builder()
            .heartbeatInterval(Duration.ofMillis(500))
            .leaseTtl(LEASE_TTL)
            .offerTimeout(Duration.ofSeconds(5))
            .tickInterval(Duration.ofMillis(100))
            .build();
    return new HubServer(
            HubServer.nettyBuilder("127.0.0.1", 0), config, TestCredentials.credentials(), journal)
        .start();
  }

  private SinkProcess sink(String name, Map<String, String> extra) throws IOException {
    SinkProcess s = SinkProcess.start(name, proxy.port(), BASE_SECRET, env, extra);
    sinks.add(s);
    return s;
  }

  private Task submit(String tag, double seconds) throws StatusException {
    String payload =
        "{\"ledger\": \"" + ledger + "\", \"tag\": \"" + tag + "\", \"seconds\": " + seconds + "}";
    return hub.core()
        .submit(
            SubmitTaskRequest.newBuilder()
                .setSinkType(BASE)
                .setModule("samples.work")
                .setPayloadJson(payload)
                .build());
  }

  private Task task(Task t) throws StatusException {
    return hub.core().get(t.getTaskId());
  }

  private void awaitState(Task t, TaskState state, SinkProcess... watched) {
    try {
      await()
          .atMost(WAIT)
          .failFast(
              "a sink process exited early",
              () -> List.of(watched).stream().anyMatch(s -> !s.isAlive()))
          .until(() -> task(t).getState() == state);
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(e.getMessage() + outputs(watched), e);
    }
  }

  private static String outputs(SinkProcess... watched) {
    StringBuilder b = new StringBuilder();
    for (SinkProcess s : watched) {
      b.append("\n--- sink output ---\n").append(s.output());
    }
    return b.toString();
  }

  private List<String> executions() throws IOException {
    return Files.readAllLines(ledger).stream().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void sigtermDuringATaskLetsItFinishDeliversTheResultAndExitsZero() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    proxy = new TcpProxy(hub.port());
    SinkProcess sink = sink("sink-a", Map.of("DRAIN_TIMEOUT", "60"));
    Task t = submit("t1", 3);
    awaitState(t, TaskState.RUNNING, sink);
    sink.sigterm();
    Integer code = sink.awaitExit(WAIT);
    assertThat(code).as("exit code" + outputs(sink)).isZero();
    Task done = task(t);
    assertThat(done.getState()).isEqualTo(TaskState.SUCCESS);
    assertThat(done.getMessagesList()).containsExactly("done t1");
    assertThat(executions()).containsExactly("t1");
    assertThat(sink.output()).contains("draining");
  }

  @Test
  void aHalfOpenConnectionIsNoticedByTheWatchdogAndTheLeaseResumesBeforeItsTtl() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    proxy = new TcpProxy(hub.port());
    SinkProcess sink = sink("sink-a", Map.of());
    Task t = submit("through-a-black-hole", 8);
    awaitState(t, TaskState.RUNNING, sink);

    // No data, no FIN, no RST. TCP keepalive would take 30 s, five times the 6 s lease TTL, and
    // the task would be re-queued and run twice.
    long cut = System.nanoTime();
    proxy.blackHole();
    await().atMost(WAIT).until(() -> proxy.connectionsAccepted() >= 2);
    System.out.printf(
        "[half-open] reconnected %.1f s after the black hole (heartbeat 500 ms, lease TTL %d s)%n",
        (System.nanoTime() - cut) / 1e9, LEASE_TTL.toSeconds());

    awaitState(t, TaskState.SUCCESS, sink);
    assertThat(sink.output())
        .contains("heartbeats of 500 ms unacknowledged): ending the session to reconnect");
    assertThat(proxy.connectionsAccepted()).as("reconnected").isGreaterThanOrEqualTo(2);
    assertThat(executions()).as("run once").containsExactly("through-a-black-hole");
    assertThat(task(t).getAttempt()).as("the same attempt, resumed").isEqualTo(1);
  }

  @Test
  void sigtermWithTheHubUnreachableExitsWithinTheDrainBoundEvenWhenRepeated() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    proxy = new TcpProxy(hub.port());
    SinkProcess sink = sink("sink-a", Map.of("DRAIN_TIMEOUT", "2", "KILL_GRACE", "1"));
    Task t = submit("long", 120);
    awaitState(t, TaskState.RUNNING, sink);
    proxy.close();
    proxy = null;
    hub.close();
    hub = null;
    long start = System.nanoTime();
    sink.sigterm();
    // The second SIGTERM arrives while the drain runs.
    await().atMost(WAIT).until(() -> sink.output().contains("draining"));
    sink.sigterm();
    Integer code = sink.awaitExit(WAIT);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(code).as("exit code" + outputs(sink)).isZero();
    // The sink's own bound is drain 2 s + kill grace 1 s + 3 s; JVM exit adds a little.
    assertThat(took).as("time to exit").isLessThan(Duration.ofSeconds(30));
    assertThat(sink.output()).contains("draining").contains("sink stopped with exit code 0");
  }

  @Test
  void sigkillMidTaskRerunsItAsAttemptTwoOnAnotherSinkAndALateReportIsRejected() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    proxy = new TcpProxy(hub.port());
    SinkProcess a = sink("sink-a", Map.of());
    Task t = submit("t1", 2);
    awaitState(t, TaskState.RUNNING, a);
    String firstSink = task(t).getSinkUuid();
    a.sigkill();
    a.awaitExit(WAIT);
    SinkProcess b = sink("sink-b", Map.of());
    awaitState(t, TaskState.SUCCESS, b);
    Task done = task(t);
    assertThat(done.getAttempt()).isEqualTo(2);
    assertThat(done.getSinkUuid()).isNotEqualTo(firstSink);
    assertThat(executions()).containsExactly("t1", "t1");

    // The killed sink's attempt 1 comes back late (as a sink that lost its disk state might).
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", hub.port()).usePlaintext().build();
    channels.add(channel);
    TaskRef attempt1 = TaskRef.newBuilder().setTaskId(t.getTaskId()).setAttempt(1).build();
    try (ScriptedSink late =
        ScriptedSink.forTest(channel, BASE, BASE_SECRET, Optional.empty(), null)) {
      late.sinkUuid = firstSink;
      late.connect();
      Welcome w = late.hello(1, ScriptedSink.held(attempt1, HeldState.HELD_FINISHED));
      assertThat(w.getResumeDecisions(0).getVerdict()).isEqualTo(ResumeVerdict.FENCED);
      late.result(attempt1, TaskState.ERROR, 1, "late");
      HubMessage ack = late.expect(HubMessage.BodyCase.RESULT_ACK);
      assertThat(ack.getResultAck().getDisposition()).isEqualTo(ResultDisposition.STALE_ATTEMPT);
    }
    assertThat(task(t).getState()).isEqualTo(TaskState.SUCCESS);
    assertThat(task(t).getMessagesList()).containsExactly("done t1");
  }

  @Test
  void aNetworkBlipShorterThanTheLeaseTtlCausesNoSecondExecution() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    proxy = new TcpProxy(hub.port());
    SinkProcess sink = sink("sink-a", Map.of());
    Task t = submit("t1", 4);
    awaitState(t, TaskState.RUNNING, sink);
    int before = proxy.connectionsAccepted();
    proxy.cut();
    awaitState(t, TaskState.SUCCESS, sink);
    assertThat(proxy.connectionsAccepted()).as("the sink reconnected").isGreaterThan(before);
    Task done = task(t);
    assertThat(done.getAttempt()).isEqualTo(1);
    assertThat(done.getMessagesList()).containsExactly("done t1");
    assertThat(executions()).containsExactly("t1");
  }

  @Test
  void aHubRestartMidTaskRecordsTheResultAndTheLogExactlyOnce() throws Exception {
    Path data = tmp.resolve("hub-data");
    hub = startHub(new H2TaskJournal(data));
    proxy = new TcpProxy(hub.port());
    SinkProcess sink = sink("sink-a", Map.of());
    Task t = submit("t1", 4);
    awaitState(t, TaskState.RUNNING, sink);
    hub.close();
    proxy.cut();
    hub = startHub(new H2TaskJournal(data));
    proxy.retarget(hub.port());
    awaitState(t, TaskState.SUCCESS, sink);
    Task done = task(t);
    assertThat(done.getAttempt()).isEqualTo(1);
    assertThat(executions()).containsExactly("t1");
    await()
        .atMost(WAIT)
        .until(
            () ->
                new String(
                        hub.core().readLog(t.getTaskId(), 0, 100_000).data(),
                        StandardCharsets.UTF_8)
                    .contains("finished t1"));
    String log =
        new String(hub.core().readLog(t.getTaskId(), 0, 100_000).data(), StandardCharsets.UTF_8);
    assertThat(log.split("finished t1", -1)).as("log lines recorded once: " + log).hasSize(2);
  }

  @Test
  void theReadinessProbePassesOnlyWhileTheSessionIsUp() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    proxy = new TcpProxy(hub.port());
    SinkProcess sink = sink("sink-a", Map.of());
    Map<String, String> probeEnv = Map.of("READINESS_FILE", sink.readyFile().toString());
    await().atMost(WAIT).until(() -> probe(probeEnv) == 0);
    proxy.close();
    proxy = null;
    await().atMost(WAIT).until(() -> probe(probeEnv) == 1);
    assertThat(sink.isAlive()).isTrue();
  }

  private static int probe(Map<String, String> probeEnv) {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return SinkMain.execute(new String[] {"probe", "ready"}, probeEnv, quiet, quiet);
  }
}
