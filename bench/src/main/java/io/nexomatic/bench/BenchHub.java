package io.nexomatic.bench;

import io.grpc.ManagedChannel;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.MemoryOnlyJournal;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.SinkRuntime;
import io.nexomatic.sink.config.SinkConfig;
import io.nexomatic.sink.config.SinkConfigLoader;
import io.nexomatic.sink.exec.TaskExecutor;
import io.nexomatic.sink.session.HubSession;
import io.nexomatic.sink.session.SessionSettings;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The reference Hub on a loopback TCP port with one sink session connected to it, wired from a sink
 * configuration exactly as the sink process wires itself (channel, credentials, settings), and a
 * journal that timestamps, on the Hub's side, when each task's result and log end arrive.
 */
final class BenchHub implements AutoCloseable {

  /** When the Hub recorded things, in {@link System#nanoTime()} of this process. */
  static final class TimingJournal extends MemoryOnlyJournal {
    private final Map<String, CompletableFuture<Long>> results = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Long>> logEnds = new ConcurrentHashMap<>();
    private final Map<String, Long> logStarts = new ConcurrentHashMap<>();
    private final Map<String, Long> logBytes = new ConcurrentHashMap<>();

    /** Completes with the time the Hub recorded the task's final state. */
    CompletableFuture<Long> result(String taskId) {
      return results.computeIfAbsent(taskId, id -> new CompletableFuture<>());
    }

    /** Completes with the time the Hub stored the end of the task's log. */
    CompletableFuture<Long> logEnd(String taskId) {
      return logEnds.computeIfAbsent(taskId, id -> new CompletableFuture<>());
    }

    /** When the Hub stored the first bytes of the task's log, or null before. */
    Long logStart(String taskId) {
      return logStarts.get(taskId);
    }

    /** Log bytes the Hub stored for a task. */
    long logBytes(String taskId) {
      return logBytes.getOrDefault(taskId, 0L);
    }

    @Override
    public void save(Task task, long seq) {
      TaskState s = task.getState();
      if (s == TaskState.SUCCESS || s == TaskState.WARNING || s == TaskState.ERROR) {
        result(task.getTaskId()).complete(System.nanoTime());
      }
    }

    @Override
    public void appendLog(String taskId, int attempt, long offset, byte[] data, boolean eof) {
      if (data.length > 0) {
        logStarts.putIfAbsent(taskId, System.nanoTime());
      }
      logBytes.merge(taskId, (long) data.length, Long::sum);
      if (eof) {
        logEnd(taskId).complete(System.nanoTime());
      }
    }
  }

  final TimingJournal journal = new TimingJournal();
  private final HubServer hub;
  private final ManagedChannel channel;
  private final TaskExecutor executor;
  private final HubSession session;

  /**
   * Starts the Hub and connects one LOCAL:BASE sink configured by {@code sinkSettings} (sink
   * environment variables; the Hub's address and credentials are added), running the executor
   * {@code executorFor} makes, and waits until the sink is ready for work.
   */
  BenchHub(
      Map<String, String> sinkSettings,
      Function<SinkConfig, TaskExecutor> executorFor,
      long maxTaskLogBytes)
      throws Exception {
    hub =
        new HubServer(
                HubServer.nettyBuilder("127.0.0.1", 0),
                HubConfig.builder()
                    .maxQueued(1_000_000)
                    .maxTaskLogBytes(maxTaskLogBytes)
                    .defaultMaxAttempts(1)
                    .build(),
                TestCredentials.credentials(),
                journal)
            .start();
    Map<String, String> env = new HashMap<>(sinkSettings);
    env.put("HUB_HOST", "127.0.0.1");
    env.put("HUB_PORT", Integer.toString(hub.port()));
    env.put("CLIENT_ID", TestCredentials.BASE);
    env.put("CLIENT_SECRET", TestCredentials.BASE_SECRET);
    env.putIfAbsent("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    SinkConfig sinkConfig = SinkConfigLoader.load(env);
    executor = executorFor.apply(sinkConfig);
    channel = SinkRuntime.channel(sinkConfig);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    session =
        new HubSession(
            SessionSettings.from(sinkConfig),
            SinkRuntime.credentials(sinkConfig).attachTo(channel),
            executor,
            new HubSession.Listener() {
              @Override
              public void readinessChanged(boolean isReady) {
                if (isReady) {
                  ready.complete(null);
                }
              }
            },
            Clock.systemUTC(),
            OpenTelemetry.noop());
    session.start();
    ready.get(30, TimeUnit.SECONDS);
  }

  /** Enqueues a task for the sink straight into the Hub's state machine. */
  String submit(String module) throws Exception {
    return submit(module, "{}");
  }

  /** Enqueues a task with a payload for the sink straight into the Hub's state machine. */
  String submit(String module, String payloadJson) throws Exception {
    return hub.core()
        .submit(
            SubmitTaskRequest.newBuilder()
                .setSinkType(TestCredentials.BASE)
                .setModule(module)
                .setPayloadJson(payloadJson)
                .build())
        .getTaskId();
  }

  /** The Hub's view of a task. */
  Task task(String taskId) throws Exception {
    return hub.core().get(taskId);
  }

  /** Drains the sink (bounded), then stops the channel, the executor and the Hub. */
  @Override
  public void close() {
    try {
      session.drain().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      System.err.println("the bench sink did not drain cleanly: " + e);
    } finally {
      channel.shutdownNow();
      executor.close();
      hub.close();
    }
  }
}
