package io.nexomatic.sink.session;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.H2TaskJournal;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.testing.MutableClock;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.protocol.v1.ListSinksRequest;
import io.nexomatic.protocol.v1.QueueStats;
import io.nexomatic.protocol.v1.SinkAction;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.config.Secret;
import io.nexomatic.sink.testing.TestingTaskExecutor;
import io.nexomatic.sink.tracing.AttemptTracing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's session against the reference Hub in process, with tasks whose end the test decides.
 * Sink and Hub share one hand-moved clock: their timers (heartbeats, back-off, the drain's bounds,
 * the Hub's silence and lease checks) run only when a test moves time, so short Hub timings (a 1 s
 * heartbeat, a session silent for 3 s is closed, an 8 s lease TTL) cost no real time and a wait is
 * measured in clock time. Messages still flow at once; waits on them are generous real-time upper
 * bounds that return as soon as the condition holds.
 */
class HubSessionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dataDir;
  private final String name = "hub-" + UUID.randomUUID();
  private final TestingTaskExecutor executor = new TestingTaskExecutor();
  private final MutableClock clock = new MutableClock();
  private volatile HubServer hub;
  private final ManualSessionLoop loop =
      new ManualSessionLoop(
          clock,
          () -> {
            HubServer h = hub;
            if (h != null) {
              h.core().tick();
            }
          });
  private ManagedChannel channel;
  private HubSession session;

  private HubServer startHub(TaskJournal journal) throws Exception {
    HubConfig config =
        HubConfig.builder()
            .heartbeatInterval(Duration.ofSeconds(1))
            .leaseTtl(Duration.ofSeconds(8))
            .offerTimeout(Duration.ofSeconds(5))
            // The loop ticks the Hub each time it moves the clock; its own timer never fires.
            .tickInterval(Duration.ofHours(1))
            .clock(clock)
            .build();
    // Direct executors: a message is handled on the thread that sends it, so once the sink loop
    // has settled the Hub has handled all the sink said (with an in-memory journal the Hub makes
    // its transport direct itself).
    return new HubServer(
            InProcessServerBuilder.forName(name).directExecutor(),
            config,
            TestCredentials.credentials(),
            journal)
        .start();
  }

  private static SessionSettings settings(
      int concurrency, int prefetch, int threshold, Duration drain) {
    return settings(concurrency, prefetch, threshold, drain, 0);
  }

  private static SessionSettings settings(
      int concurrency, int prefetch, int threshold, Duration drain, int maxTasks) {
    return new SessionSettings(
        UUID.randomUUID().toString(),
        BASE,
        "",
        concurrency,
        prefetch,
        threshold,
        drain,
        Duration.ofMillis(200),
        "test",
        "pod-1",
        "node-1",
        "host",
        maxTasks,
        false);
  }

  private CompletableFuture<Integer> startSink(
      int concurrency, int prefetch, int threshold, Duration drain) {
    return startSink(
        settings(concurrency, prefetch, threshold, drain),
        SinkCallCredentials.clientSecret(BASE, Secret.of(BASE_SECRET)));
  }

  private CompletableFuture<Integer> startSink(
      SessionSettings settings, SinkCallCredentials credentials, ClientInterceptor... more) {
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    // Connected before the sink starts: on an idle channel the first call waits for the transport
    // and then starts on gRPC's own thread, outside the hand-moved loop, which could meanwhile run
    // the clock past every deadline (CI saw the wrong-secret test end after 22 ms real time).
    channel.getState(true);
    await().atMost(WAIT).until(() -> channel.getState(false) == ConnectivityState.READY);
    Channel c = credentials.attachTo(ClientInterceptors.intercept(channel, more));
    session =
        new HubSession(
            settings, c, executor, new HubSession.Listener() {}, loop, AttemptTracing.off());
    return session.start();
  }

  private Task submit() {
    return submit(0);
  }

  private Task submit(int maxAttempts) {
    try {
      return hub.core()
          .submit(
              SubmitTaskRequest.newBuilder()
                  .setSinkType(BASE)
                  .setModule("demo.run")
                  .setMaxAttempts(maxAttempts)
                  .build());
    } catch (StatusException e) {
      throw new AssertionError(e);
    }
  }

  private Task task(String id) {
    try {
      return hub.core().get(id);
    } catch (StatusException e) {
      throw new AssertionError(e);
    }
  }

  private String log(String id) {
    try {
      return new String(hub.core().readLog(id, 0, 100_000).data(), StandardCharsets.UTF_8);
    } catch (StatusException e) {
      throw new AssertionError(e);
    }
  }

  private QueueStats stats() {
    return hub.core().stats(BASE, "").getStats(0);
  }

  /** The connected sink's id, once the Hub lists it. */
  private String sinkUuid() {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                hub.core().sinks(ListSinksRequest.newBuilder().setSinkType(BASE).build()).stream()
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow()
        .getSinkUuid();
  }

  private void awaitStarted(Task t) {
    await().atMost(WAIT).until(() -> executor.startsOf(t.getTaskId()) == 1);
  }

  /** The exit code, moving the clock until the sink exits, for at most {@code limit}. */
  private int exitWithin(Duration limit, CompletableFuture<Integer> exit) {
    loop.advanceUntil(exit::isDone, limit);
    return exit.join();
  }

  @AfterEach
  void stop() throws Exception {
    if (session != null) {
      exitWithin(WAIT, session.drain());
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void theHubMayStaySilentForThreeHeartbeatsButNeverHalfTheLeaseTtl() {
    assertThat(Heartbeats.silenceLimitMs(5_000, 30_000)).isEqualTo(15_000);
    assertThat(Heartbeats.silenceLimitMs(500, 6_000)).isEqualTo(1_500);
    assertThat(Heartbeats.silenceLimitMs(5_000, 12_000)).isEqualTo(6_000);
    assertThat(Heartbeats.silenceLimitMs(1_000, 0)).as("no lease TTL known").isEqualTo(3_000);
  }

  @Test
  void aTaskRunsAndItsResultAndLogReachTheHub() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    executor.autoComplete = true;
    startSink(2, 1, 10, Duration.ofSeconds(5));
    Task t = submit();
    await().atMost(WAIT).until(() -> task(t.getTaskId()).getState() == TaskState.SUCCESS);
    assertThat(task(t.getTaskId()).getMessagesList()).containsExactly("ok");
    await().atMost(WAIT).until(() -> log(t.getTaskId()).contains("ran " + t.getTaskId()));
  }

  @Test
  void queueStatsShowTheConnectedSinkAndItsCapacity() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    startSink(3, 1, 10, Duration.ofSeconds(5));
    await().atMost(WAIT).until(() -> stats().getConnectedSinks() == 1);
    assertThat(stats().getCapacity()).isEqualTo(3);
  }

  @Test
  void theSinkTakesNoMoreThanConcurrencyPlusPrefetch() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    startSink(2, 1, 100, Duration.ofSeconds(5));
    for (int i = 0; i < 6; i++) {
      submit();
    }
    await().atMost(WAIT).until(() -> executor.started.size() == 2);
    await().atMost(WAIT).until(() -> stats().getLeased() == 3);
    assertThat(stats().getQueued()).isEqualTo(3);
    assertThat(executor.started).hasSize(2);
    executor.started.get(0).complete(TaskState.SUCCESS, 0);
    await().atMost(WAIT).until(() -> executor.started.size() == 3);
    await().atMost(WAIT).until(() -> stats().getQueued() == 2);
  }

  @Test
  void aOneTaskSinkRunsExactlyOneTaskDeliversItAndExitsZero() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    CompletableFuture<Integer> exit =
        startSink(
            settings(1, 0, 10, Duration.ofSeconds(20), 1),
            SinkCallCredentials.clientSecret(BASE, Secret.of(BASE_SECRET)));
    Task first = submit();
    Task second = submit();
    awaitStarted(first);
    // Its one credit is spent: the other task stays queued while the first one runs.
    loop.holdsFor(Duration.ofMillis(500), () -> stats().getQueued() == 1);
    executor.started.get(0).print("the only task\n");
    executor.started.get(0).complete(TaskState.SUCCESS, 0, "done");
    assertThat(exitWithin(WAIT, exit)).isZero();
    assertThat(task(first.getTaskId()).getState()).isEqualTo(TaskState.SUCCESS);
    assertThat(log(first.getTaskId())).contains("the only task");
    assertThat(task(second.getTaskId()).getState()).isEqualTo(TaskState.QUEUED);
    assertThat(executor.started).hasSize(1);
  }

  @Test
  void anIdleOneTaskSinkTakesTheFirstTaskThatArrivesAndExits() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    executor.autoComplete = true;
    CompletableFuture<Integer> exit =
        startSink(
            settings(1, 0, 10, Duration.ofSeconds(20), 1),
            SinkCallCredentials.clientSecret(BASE, Secret.of(BASE_SECRET)));
    await().atMost(WAIT).until(() -> stats().getConnectedSinks() == 1);
    Task only = submit();
    assertThat(exitWithin(WAIT, exit)).isZero();
    assertThat(task(only.getTaskId()).getState()).isEqualTo(TaskState.SUCCESS);
    assertThat(executor.started).hasSize(1);
  }

  @Test
  void aHubRestartMidTaskRecordsTheResultExactlyOnceWithoutASecondExecution() throws Exception {
    hub = startHub(new H2TaskJournal(dataDir));
    startSink(1, 0, 10, Duration.ofSeconds(5));
    Task t = submit();
    awaitStarted(t);
    hub.close();
    executor.started.get(0).print("output while the Hub was down\n");
    executor.started.get(0).complete(TaskState.SUCCESS, 0, "finished offline");
    hub = startHub(new H2TaskJournal(dataDir));
    // The sink reconnects after its back-off; the result and the log go out on the new session.
    loop.advanceUntil(() -> stats().getConnectedSinks() == 1, WAIT);
    await().atMost(WAIT).until(() -> task(t.getTaskId()).getState() == TaskState.SUCCESS);
    Task done = task(t.getTaskId());
    assertThat(done.getMessagesList()).containsExactly("finished offline");
    assertThat(done.getAttempt()).isEqualTo(1);
    assertThat(executor.startsOf(t.getTaskId())).isEqualTo(1);
    await().atMost(WAIT).until(() -> log(t.getTaskId()).contains("while the Hub was down"));
  }

  @Test
  void backPressureEngagesAtTheThresholdWithholdsCreditAndReleasesAtTheLowerMark()
      throws Exception {
    hub = startHub(TaskJournal.inMemory());
    startSink(1, 5, 3, Duration.ofSeconds(5)); // 6 credits, threshold 3, released at 1
    for (int i = 0; i < 8; i++) {
      submit();
    }
    await().atMost(WAIT).until(() -> stats().getLeased() == 6);
    await().atMost(WAIT).until(() -> stats().getBackpressuredSinks() == 1);
    assertThat(stats().getQueued()).isEqualTo(2);
    // A slot frees up, but 4 leased tasks still wait: engaged, so the credit is withheld.
    executor.started.get(0).complete(TaskState.SUCCESS, 0);
    await().atMost(WAIT).until(() -> executor.started.size() == 2);
    // No task is taken while engaged: the queue stays at 2 for a whole second.
    loop.holdsFor(Duration.ofSeconds(1), () -> stats().getQueued() == 2);
    assertThat(stats().getBackpressuredSinks()).isEqualTo(1);
    for (int i = 1; i < 8; i++) {
      int n = i;
      await().atMost(WAIT).until(() -> executor.started.size() > n);
      executor.started.get(n).complete(TaskState.SUCCESS, 0);
    }
    await().atMost(WAIT).until(() -> stats().getBackpressuredSinks() == 0);
    assertThat(executor.started).hasSize(8);
    await().atMost(WAIT).until(() -> stats().getQueued() == 0 && stats().getLeased() == 0);
  }

  @Test
  void drainLetsARunningTaskFinishDeliversItsResultAndExitsZero() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    CompletableFuture<Integer> exit = startSink(1, 0, 10, Duration.ofSeconds(20));
    Task t = submit();
    awaitStarted(t);
    session.drain();
    await().atMost(WAIT).until(() -> stats().getDrainingSinks() == 1);
    Task second = submit();
    executor.started.get(0).complete(TaskState.SUCCESS, 0, "done while draining");
    assertThat(exitWithin(WAIT, exit)).isZero();
    assertThat(task(t.getTaskId()).getState()).isEqualTo(TaskState.SUCCESS);
    assertThat(task(second.getTaskId()).getState()).isEqualTo(TaskState.QUEUED);
    assertThat(executor.startsOf(second.getTaskId())).isZero();
  }

  @Test
  void drainHandsBackLeasedTasksThatHaveNotStartedWithoutCountingAnAttempt() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    CompletableFuture<Integer> exit = startSink(1, 2, 10, Duration.ofSeconds(20));
    Task running = submit();
    Task waiting = submit(1); // one attempt allowed: counting the hand-back would end it in ERROR
    awaitStarted(running);
    await().atMost(WAIT).until(() -> stats().getLeased() == 2);
    session.drain();
    await().atMost(WAIT).until(() -> task(waiting.getTaskId()).getState() == TaskState.QUEUED);
    Task handedBack = task(waiting.getTaskId());
    assertThat(handedBack.getHistory(0).getStarted()).isFalse();
    assertThat(handedBack.getHistory(0).getOutcome()).contains("draining");
    executor.started.get(0).complete(TaskState.SUCCESS, 0);
    assertThat(exitWithin(WAIT, exit)).isZero();
    assertThat(executor.startsOf(waiting.getTaskId())).isZero();
  }

  @Test
  void atTheDrainDeadlineARunningTaskIsHandedBackForAnotherSink() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    CompletableFuture<Integer> exit = startSink(1, 0, 10, Duration.ofSeconds(1));
    Task t = submit();
    awaitStarted(t);
    session.drain();
    assertThat(exitWithin(WAIT, exit)).isZero();
    assertThat(executor.started.get(0).cancelledWith).isEqualTo("drain deadline reached");
    Task requeued = task(t.getTaskId());
    assertThat(requeued.getState()).isEqualTo(TaskState.QUEUED);
    assertThat(requeued.getAttempt()).isEqualTo(2);
    assertThat(requeued.getHistory(0).getOutcome()).contains("drain deadline reached");
  }

  @Test
  void drainWithTheHubUnreachableStillCompletesWithinItsBound() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    CompletableFuture<Integer> exit = startSink(1, 0, 10, Duration.ofSeconds(1));
    Task t = submit();
    awaitStarted(t);
    hub.close();
    hub = null;
    session.drain();
    // Bound: drain 1 s + kill grace 0.2 s + 3 s, in clock time, whatever the machine's load.
    assertThat(exitWithin(Duration.ofMillis(4200), exit)).isZero();
    assertThat(executor.started.get(0).isRunning()).isFalse();
    session = null;
  }

  @Test
  void aWrongSecretBacksOffInsteadOfHotLooping() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    ClientInterceptor counter =
        new ClientInterceptor() {
          @Override
          public <Q, R> ClientCall<Q, R> interceptCall(
              MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            attempts.incrementAndGet();
            inFlight.incrementAndGet();
            return new ForwardingClientCall.SimpleForwardingClientCall<>(
                next.newCall(method, options)) {
              @Override
              public void start(Listener<R> listener, Metadata headers) {
                super.start(
                    new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(
                        listener) {
                      @Override
                      public void onClose(Status status, Metadata trailers) {
                        super.onClose(status, trailers);
                        inFlight.decrementAndGet();
                      }
                    },
                    headers);
              }
            };
          }
        };
    startSink(
        settings(1, 0, 10, Duration.ofSeconds(1)),
        SinkCallCredentials.clientSecret(BASE, Secret.of("wrong")),
        counter);
    // The rejection comes back on gRPC's thread, outside the hand-moved loop: the clock may move
    // only once it has, or it runs past every back-off before the sink has scheduled one.
    Duration took =
        loop.advanceUntil(
            () -> {
              await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.get() == 0);
              return attempts.get() >= 4;
            },
            WAIT);
    // Backoff 1 s, 1.6 s, 2.56 s with ±20 % jitter: three retries take at least 4.1 s. A hot
    // loop would make thousands of attempts in that time.
    assertThat(took).isGreaterThan(Duration.ofMillis(4000));
    assertThat(attempts.get()).isLessThan(8);
    assertThat(stats().getConnectedSinks()).isZero();
  }

  @Test
  void aSinkThatCannotReconnectWithinTheLeaseTtlStopsItsRunningTask() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    startSink(1, 0, 10, Duration.ofSeconds(5));
    Task t = submit();
    awaitStarted(t);
    hub.close();
    hub = null;
    loop.advanceUntil(() -> executor.started.get(0).forceKilled, WAIT);
  }

  @Test
  void aCancelFromTheHubStopsTheRunningTask() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    startSink(1, 0, 10, Duration.ofSeconds(5));
    Task t = submit();
    awaitStarted(t);
    hub.core().cancel(t.getTaskId(), "operator asked");
    await().atMost(WAIT).until(() -> task(t.getTaskId()).getState() == TaskState.ERROR);
    assertThat(executor.started.get(0).cancelledWith).contains("operator asked");
  }

  @Test
  void killFromTheHubFinishesTheRunningTaskThenExits() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    CompletableFuture<Integer> exit = startSink(1, 0, 10, Duration.ofSeconds(5));
    Task t = submit();
    awaitStarted(t);
    hub.core().control(sinkUuid(), SinkAction.KILL, "test");
    // The running task holds the exit back.
    loop.holdsFor(Duration.ofMillis(500), () -> !exit.isDone());
    executor.started.get(0).complete(TaskState.SUCCESS, 0, "finished before exit");
    assertThat(exitWithin(WAIT, exit)).isZero();
    assertThat(task(t.getTaskId()).getState()).isEqualTo(TaskState.SUCCESS);
    session = null;
  }

  @Test
  void forceKillFromTheHubInterruptsTheTaskAndHandsItBack() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    CompletableFuture<Integer> exit = startSink(1, 0, 10, Duration.ofSeconds(5));
    Task t = submit();
    awaitStarted(t);
    hub.core().control(sinkUuid(), SinkAction.FORCE_KILL, "test");
    assertThat(exitWithin(WAIT, exit)).isZero();
    assertThat(executor.started.get(0).forceKilled).isTrue();
    Task requeued = task(t.getTaskId());
    assertThat(requeued.getState()).isEqualTo(TaskState.QUEUED);
    assertThat(requeued.getAttempt()).isEqualTo(2);
    session = null;
  }

  @Test
  void resetFromTheHubFinishesTheRunningTaskAndReconnects() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    CompletableFuture<Integer> exit = startSink(1, 0, 10, Duration.ofSeconds(5));
    Task t = submit();
    awaitStarted(t);
    hub.core().control(sinkUuid(), SinkAction.RESET, "test");
    executor.started.get(0).complete(TaskState.SUCCESS, 0);
    await().atMost(WAIT).until(() -> task(t.getTaskId()).getState() == TaskState.SUCCESS);
    executor.autoComplete = true;
    Task after = submit();
    await().atMost(WAIT).until(() -> task(after.getTaskId()).getState() == TaskState.SUCCESS);
    assertThat(exit).isNotDone();
  }
}
