package io.nexomatic.sink.session;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static io.nexomatic.protocol.tracing.TraceAttributes.ATTEMPT;
import static io.nexomatic.protocol.tracing.TraceAttributes.OUTCOME;
import static io.nexomatic.protocol.tracing.TraceAttributes.TASK_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.StatusException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.H2TaskJournal;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.testing.MutableClock;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.config.Secret;
import io.nexomatic.sink.testing.TestingTaskExecutor;
import io.nexomatic.sink.tracing.AttemptTracing;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's trace across the reference Hub and a real sink session in process, recorded by the
 * OpenTelemetry SDK's in-memory exporter that both are given. The context crosses only inside the
 * protocol's messages (the two never share a current span), so a span that lost its parent on the
 * way shows up as an orphan here. Sink and Hub share one hand-moved clock, as in {@link
 * HubSessionTest}.
 */
class TaskTracesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dataDir;
  private final String name = "hub-" + UUID.randomUUID();
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
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
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<HubSession> sessions = new ArrayList<>();

  private HubServer startHub(TaskJournal journal) throws Exception {
    HubConfig config =
        HubConfig.builder()
            .heartbeatInterval(Duration.ofSeconds(1))
            .leaseTtl(Duration.ofSeconds(8))
            .offerTimeout(Duration.ofSeconds(5))
            .tickInterval(Duration.ofHours(1))
            .clock(clock)
            .openTelemetry(otel)
            .build();
    return new HubServer(
            InProcessServerBuilder.forName(name).directExecutor(),
            config,
            TestCredentials.credentials(),
            journal)
        .start();
  }

  /** A sink session on a channel of its own, so a test can cut one sink off. */
  private ManagedChannel startSink() {
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(channel);
    channel.getState(true);
    await().atMost(WAIT).until(() -> channel.getState(false) == ConnectivityState.READY);
    SessionSettings settings =
        new SessionSettings(
            UUID.randomUUID().toString(),
            BASE,
            "",
            1,
            0,
            10,
            Duration.ofSeconds(2),
            Duration.ofMillis(200),
            "test",
            "pod-1",
            "node-1",
            "host",
            0,
            false);
    HubSession session =
        new HubSession(
            settings,
            SinkCallCredentials.clientSecret(BASE, Secret.of(BASE_SECRET)).attachTo(channel),
            executor,
            new HubSession.Listener() {},
            loop,
            new AttemptTracing(otel, settings.sinkUuid()));
    sessions.add(session);
    session.start();
    return channel;
  }

  private Task submit() throws StatusException {
    return hub.core()
        .submit(SubmitTaskRequest.newBuilder().setSinkType(BASE).setModule("demo.run").build());
  }

  private Task task(String id) {
    try {
      return hub.core().get(id);
    } catch (StatusException e) {
      throw new AssertionError(e);
    }
  }

  private List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  /** Waits until every named span of the attempt has ended. */
  private List<SpanData> awaitSpans(int attempt, String... names) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                spans().stream()
                    .filter(s -> attemptOf(s) == attempt)
                    .map(SpanData::getName)
                    .collect(Collectors.toSet())
                    .containsAll(Set.of(names)));
    return spans();
  }

  private static long attemptOf(SpanData s) {
    Long a = s.getAttributes().get(ATTEMPT);
    return a == null ? 0 : a;
  }

  /** The one span of {@code spans} with this name and attempt. */
  private static SpanData only(List<SpanData> spans, String name, int attempt) {
    List<SpanData> found =
        spans.stream().filter(s -> s.getName().equals(name) && attemptOf(s) == attempt).toList();
    assertThat(found).as(name + " of attempt " + attempt).hasSize(1);
    return found.get(0);
  }

  /** Every span's parent is a recorded span, but for the one root: the trace is connected. */
  private static void assertConnected(List<SpanData> spans) {
    assertThat(spans.stream().map(SpanData::getTraceId).distinct()).hasSize(1);
    Set<String> ids = spans.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
    List<SpanData> roots =
        spans.stream().filter(s -> !SpanId.isValid(s.getParentSpanId())).toList();
    assertThat(roots).extracting(SpanData::getName).containsExactly("nexomatic.hub.submit");
    assertThat(spans)
        .filteredOn(s -> SpanId.isValid(s.getParentSpanId()))
        .allSatisfy(
            s -> assertThat(ids).as("parent of " + s.getName()).contains(s.getParentSpanId()));
  }

  /** The spans as an indented tree, for the test's output file (a failing run explains itself). */
  private static String tree(List<SpanData> spans) {
    Map<String, List<SpanData>> children =
        spans.stream().collect(Collectors.groupingBy(SpanData::getParentSpanId));
    StringBuilder out = new StringBuilder();
    print(children, SpanId.getInvalid(), 0, out);
    return out.toString();
  }

  private static void print(
      Map<String, List<SpanData>> children, String parent, int depth, StringBuilder out) {
    for (SpanData s : children.getOrDefault(parent, List.of())) {
      String outcome = s.getAttributes().get(OUTCOME);
      out.append("  ".repeat(depth))
          .append(s.getName())
          .append(" attempt=")
          .append(attemptOf(s))
          .append(outcome == null ? "" : " outcome=" + outcome)
          .append('\n');
      print(children, s.getSpanId(), depth + 1, out);
    }
  }

  @AfterEach
  void stop() {
    for (HubSession s : sessions) {
      CompletableFuture<Integer> exit = s.drain();
      loop.advanceUntil(exit::isDone, WAIT);
    }
    channels.forEach(ManagedChannel::shutdownNow);
    if (hub != null) {
      hub.close();
    }
    otel.close();
  }

  @Test
  void oneTaskIsOneConnectedTraceFromSubmitToResultWithItsAttemptOnEverySpan() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    executor.autoComplete = true;
    startSink();
    Task t = submit();
    await().atMost(WAIT).until(() -> task(t.getTaskId()).getState() == TaskState.SUCCESS);

    List<SpanData> spans =
        awaitSpans(
            1,
            "nexomatic.hub.offer",
            "nexomatic.sink.accept",
            "nexomatic.hub.lease",
            "nexomatic.sink.run",
            "nexomatic.sink.log",
            "nexomatic.sink.result",
            "nexomatic.hub.result");
    System.out.println(tree(spans));
    assertConnected(spans);
    assertThat(spans)
        .allSatisfy(s -> assertThat(s.getAttributes().get(TASK_ID)).isEqualTo(t.getTaskId()));
    assertThat(spans)
        .filteredOn(s -> !s.getName().equals("nexomatic.hub.submit"))
        .allSatisfy(s -> assertThat(attemptOf(s)).as(s.getName()).isEqualTo(1));
    // Each step continues the one before it, across the two processes.
    SpanData submit = only(spans, "nexomatic.hub.submit", 0);
    SpanData offer = only(spans, "nexomatic.hub.offer", 1);
    SpanData accept = only(spans, "nexomatic.sink.accept", 1);
    SpanData run = only(spans, "nexomatic.sink.run", 1);
    SpanData result = only(spans, "nexomatic.sink.result", 1);
    assertThat(offer.getParentSpanId()).isEqualTo(submit.getSpanId());
    assertThat(accept.getParentSpanId()).isEqualTo(offer.getSpanId());
    assertThat(only(spans, "nexomatic.hub.lease", 1).getParentSpanId())
        .isEqualTo(accept.getSpanId());
    assertThat(run.getParentSpanId()).isEqualTo(offer.getSpanId());
    assertThat(only(spans, "nexomatic.sink.log", 1).getParentSpanId()).isEqualTo(run.getSpanId());
    assertThat(result.getParentSpanId()).isEqualTo(run.getSpanId());
    SpanData recorded = only(spans, "nexomatic.hub.result", 1);
    assertThat(recorded.getParentSpanId()).isEqualTo(result.getSpanId());
    assertThat(recorded.getAttributes().get(OUTCOME)).isEqualTo("SUCCESS");
    // The task shows its trace to whoever reads it (GetTask).
    assertThat(task(t.getTaskId()).getTraceContext().getTraceparent())
        .contains(submit.getTraceId());
  }

  @Test
  void aTaskReQueuedAfterItsSinkWasCutOffShowsBothAttemptsInOneTrace() throws Exception {
    hub = startHub(TaskJournal.inMemory());
    ManagedChannel first = startSink();
    Task t = submit();
    await().atMost(WAIT).until(() -> executor.startsOf(t.getTaskId()) == 1);
    // The first sink loses its connection for good: its lease lapses and the Hub re-queues. It is
    // not drained afterwards (its channel is gone); its loop's timers stop with the test.
    first.shutdownNow();
    sessions.remove(0);
    loop.advanceUntil(() -> task(t.getTaskId()).getAttempt() == 2, WAIT);
    executor.autoComplete = true;
    startSink();
    await().atMost(WAIT).until(() -> task(t.getTaskId()).getState() == TaskState.SUCCESS);

    List<SpanData> spans =
        awaitSpans(2, "nexomatic.sink.run", "nexomatic.sink.result", "nexomatic.hub.result");
    System.out.println(tree(spans));
    assertConnected(spans);
    assertThat(spans.stream().map(TaskTracesTest::attemptOf).distinct()).contains(1L, 2L);
    assertThat(only(spans, "nexomatic.hub.offer", 1).getAttributes().get(ATTEMPT)).isEqualTo(1L);
    assertThat(only(spans, "nexomatic.sink.accept", 1)).isNotNull();
    assertThat(only(spans, "nexomatic.hub.attempt_ended", 1).getAttributes().get(OUTCOME))
        .startsWith("lease expired");
    assertThat(only(spans, "nexomatic.hub.offer", 2)).isNotNull();
    assertThat(only(spans, "nexomatic.hub.result", 2).getAttributes().get(OUTCOME))
        .isEqualTo("SUCCESS");
    assertThat(spans).filteredOn(s -> s.getName().equals("nexomatic.hub.result")).hasSize(1);
  }

  @Test
  void aTaskRecoveredAfterAHubRestartKeepsItsTrace() throws Exception {
    hub = startHub(new H2TaskJournal(dataDir));
    Task t = submit();
    String traceparent = t.getTraceContext().getTraceparent();
    assertThat(traceparent).isNotEmpty();
    hub.close();
    hub = startHub(new H2TaskJournal(dataDir));
    assertThat(task(t.getTaskId()).getTraceContext().getTraceparent()).isEqualTo(traceparent);
    executor.autoComplete = true;
    startSink();
    await().atMost(WAIT).until(() -> task(t.getTaskId()).getState() == TaskState.SUCCESS);

    List<SpanData> spans = awaitSpans(1, "nexomatic.sink.result", "nexomatic.hub.result");
    assertConnected(spans);
    assertThat(traceparent).contains(only(spans, "nexomatic.hub.result", 1).getTraceId());
  }
}
