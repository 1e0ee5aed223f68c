package io.nexomatic.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.TaskOffer;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.exec.RunningTask;
import io.nexomatic.sink.exec.TaskExecutor;
import io.nexomatic.sink.exec.TaskOutcome;
import io.nexomatic.sink.exec.TaskSpec;
import io.nexomatic.sink.log.LogSink;
import io.nexomatic.sink.log.LogStats;
import io.nexomatic.sink.log.OutputChunk;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the dispatch protocol costs: no-op tasks enqueued into the reference Hub and run by a real
 * sink session over loopback TCP, against a raw grpc-java bidirectional ping-pong over the same
 * transport carrying the same message types, with the same number of messages in flight.
 */
final class DispatchBench {

  private DispatchBench() {}

  static void main(List<String> args) throws Exception {
    int tasks = intArg(args, "--tasks", 20_000);
    int concurrency = intArg(args, "--concurrency", 16);
    int prefetch = intArg(args, "--prefetch", 16);
    int latencySamples = intArg(args, "--latency-samples", 2_000);
    int window = concurrency + prefetch;
    NoopExecutor executor = new NoopExecutor();
    Path dir = Files.createTempDirectory("nexomatic-dispatch-bench-");
    try (PingPong raw = new PingPong(false);
        PingPong rawDirect = new PingPong(true);
        BenchHub hub =
            new BenchHub(
                Map.of(
                    "CONCURRENCY",
                    Integer.toString(concurrency),
                    "PREFETCH",
                    Integer.toString(prefetch),
                    // Back-pressure guards a sink that cannot keep up; a full window is no sign.
                    "BACKPRESSURE_THRESHOLD",
                    Integer.toString(window + 1),
                    "MODULES_PATH",
                    dir.toString(),
                    "WORK_DIR",
                    dir.toString()),
                config -> executor,
                1024 * 1024)) {
      // Warm every path (JIT, connections, buffers) before anything is measured.
      hubThroughput(hub, 3_000);
      raw.throughput(20_000, window);
      rawDirect.throughput(20_000, window);
      hubLatency(hub, executor, 300);
      raw.latency(1_000);
      rawDirect.latency(1_000);

      System.out.printf(
          Locale.ROOT,
          "dispatch: no-op tasks through the Hub and a sink session (loopback TCP, in-process"
              + " no-op executor)%nagainst raw gRPC bidirectional ping-pongs of the same messages;"
              + " %d tasks per round, %d in flight (concurrency %d + prefetch %d), %d cores%n"
              + "raw: grpc-java's default executors; raw direct: callbacks on the transport"
              + " threads, as the Hub and the sink now run them%n%n"
              + "throughput%n%-6s %10s %12s %7s %12s %7s%n",
          tasks,
          window,
          concurrency,
          prefetch,
          Runtime.getRuntime().availableProcessors(),
          "round",
          "tasks/s",
          "raw ex/s",
          "ratio",
          "direct ex/s",
          "ratio");
      double[] best = new double[3];
      for (int round = 1; round <= 3; round++) {
        double h = hubThroughput(hub, tasks);
        double r = raw.throughput(tasks, window);
        double d = rawDirect.throughput(tasks, window);
        best[0] = Math.max(best[0], h);
        best[1] = Math.max(best[1], r);
        best[2] = Math.max(best[2], d);
        System.out.printf(
            Locale.ROOT, "%-6d %10.0f %12.0f %7.2f %12.0f %7.2f%n", round, h, r, h / r, d, h / d);
      }
      System.out.printf(
          Locale.ROOT,
          "%-6s %10.0f %12.0f %7.2f %12.0f %7.2f   (goal: at least 0.50 of raw)%n%n",
          "best",
          best[0],
          best[1],
          best[0] / best[1],
          best[2],
          best[0] / best[2]);

      Latencies h = hubLatency(hub, executor, latencySamples);
      double[] r = raw.latency(latencySamples);
      double[] d = rawDirect.latency(latencySamples);
      System.out.printf(
          Locale.ROOT,
          "latency, one task in flight, %d samples (microseconds)%n%-34s %8s %8s%n",
          latencySamples,
          "",
          "p50",
          "p99");
      printPercentiles("enqueue -> start (sink executor)", h.toStart);
      printPercentiles("enqueue -> result (Hub recorded)", h.toResult);
      printPercentiles("raw round trip", r);
      printPercentiles("raw direct round trip", d);
      System.out.printf(
          Locale.ROOT,
          "enqueue -> result at p50 = %.1f raw direct round trips (the protocol needs two:"
              + " offer/accept, lease/result)%n",
          pct(h.toResult, 50) / pct(d, 50));
    } finally {
      executor.close();
      Files.deleteIfExists(dir);
    }
  }

  /** Enqueues {@code n} tasks as fast as the Hub takes them; tasks/s until the last result. */
  private static double hubThroughput(BenchHub hub, int n) throws Exception {
    List<CompletableFuture<Long>> results = new ArrayList<>(n);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      results.add(hub.journal.result(hub.submit("bench.noop")));
    }
    long end = 0;
    for (CompletableFuture<Long> f : results) {
      end = Math.max(end, f.get(60, TimeUnit.SECONDS));
    }
    return n / ((end - start) / 1e9);
  }

  private record Latencies(double[] toStart, double[] toResult) {}

  /** One task at a time: enqueue to the executor's start, and to the Hub recording the result. */
  private static Latencies hubLatency(BenchHub hub, NoopExecutor executor, int n) throws Exception {
    double[] toStart = new double[n];
    double[] toResult = new double[n];
    for (int i = 0; i < n; i++) {
      long enqueued = System.nanoTime();
      String id = hub.submit("bench.noop");
      long recorded = hub.journal.result(id).get(30, TimeUnit.SECONDS);
      toStart[i] = (executor.startedAt(id) - enqueued) / 1e3;
      toResult[i] = (recorded - enqueued) / 1e3;
    }
    return new Latencies(toStart, toResult);
  }

  private static void printPercentiles(String label, double[] samples) {
    System.out.printf(
        Locale.ROOT, "%-34s %8.0f %8.0f%n", label, pct(samples, 50), pct(samples, 99));
  }

  private static double pct(double[] samples, int p) {
    double[] s = samples.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
  }

  private static int intArg(List<String> args, String name, int dflt) {
    int i = args.indexOf(name);
    return i < 0 ? dflt : Integer.parseInt(args.get(i + 1));
  }

  /** Tasks that end at once with SUCCESS and no output; records when each started. */
  static final class NoopExecutor implements TaskExecutor {
    private final Map<String, Long> started = new ConcurrentHashMap<>();

    long startedAt(String taskId) {
      return started.get(taskId);
    }

    @Override
    public RunningTask start(TaskSpec spec, LogSink logSink) {
      started.put(spec.taskId(), System.nanoTime());
      Instant now = Instant.now();
      logSink.accept(new OutputChunk(spec.taskId(), spec.attempt(), 0, new byte[0], true));
      return RunningTask.ended(
          spec,
          new TaskOutcome(
              TaskState.SUCCESS, 0, List.of(), "", now, now, new LogStats(0, 0, 0), false),
          0);
    }

    @Override
    public void close() {}
  }

  /**
   * The baseline: a bidirectional stream on which the client sends a TaskResult-carrying
   * SinkMessage and the server answers each with a TaskOffer-carrying HubMessage.
   */
  static final class PingPong implements AutoCloseable {
    private static final MethodDescriptor<SinkMessage, HubMessage> EXCHANGE =
        MethodDescriptor.<SinkMessage, HubMessage>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName("bench.PingPong/Exchange")
            .setRequestMarshaller(ProtoUtils.marshaller(SinkMessage.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(HubMessage.getDefaultInstance()))
            .build();

    private static final TaskRef REF =
        TaskRef.newBuilder()
            .setTaskId("0f8fad5b-d9cb-469f-a165-70867728950e")
            .setAttempt(1)
            .build();
    private static final SinkMessage PING =
        SinkMessage.newBuilder()
            .setResult(TaskResult.newBuilder().setTask(REF).setState(TaskState.SUCCESS))
            .build();
    private static final HubMessage PONG =
        HubMessage.newBuilder()
            .setOffer(
                TaskOffer.newBuilder()
                    .setTask(REF)
                    .setSinkType("LOCAL:BASE")
                    .setPayloadJson("{}")
                    .setModule("bench.noop"))
            .build();

    private final Server server;
    private final ManagedChannel channel;

    /** A server and a channel; {@code direct}: both run callbacks on their transport threads. */
    PingPong(boolean direct) throws Exception {
      NettyServerBuilder serverBuilder =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
      if (direct) {
        serverBuilder.directExecutor();
      }
      server =
          serverBuilder
              .addService(
                  ServerServiceDefinition.builder("bench.PingPong")
                      .addMethod(
                          EXCHANGE,
                          ServerCalls.asyncBidiStreamingCall(
                              responses ->
                                  new StreamObserver<SinkMessage>() {
                                    @Override
                                    public void onNext(SinkMessage m) {
                                      responses.onNext(PONG);
                                    }

                                    @Override
                                    public void onError(Throwable t) {}

                                    @Override
                                    public void onCompleted() {
                                      responses.onCompleted();
                                    }
                                  }))
                      .build())
              .build()
              .start();
      NettyChannelBuilder channelBuilder =
          NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext();
      if (direct) {
        channelBuilder.directExecutor();
      }
      channel = channelBuilder.build();
    }

    /** {@code n} exchanges with {@code window} pings outstanding; exchanges per second. */
    double throughput(int n, int window) throws Exception {
      long start = System.nanoTime();
      run(n, window);
      return n / ((System.nanoTime() - start) / 1e9);
    }

    /** {@code n} exchanges one at a time; each round trip in microseconds. */
    double[] latency(int n) throws Exception {
      return run(n, 1);
    }

    private double[] run(int n, int window) throws Exception {
      Exchanges exchanges = new Exchanges(n);
      exchanges.requests =
          ClientCalls.asyncBidiStreamingCall(
              channel.newCall(EXCHANGE, CallOptions.DEFAULT), exchanges);
      synchronized (exchanges) {
        for (int i = 0; i < Math.min(window, n); i++) {
          exchanges.send();
        }
      }
      exchanges.done.get(60, TimeUnit.SECONDS);
      return exchanges.rtt;
    }

    /** One stream of {@code n} exchanges: every answer sends the next ping until n were sent. */
    private static final class Exchanges implements StreamObserver<HubMessage> {
      final double[] rtt;
      final CompletableFuture<Void> done = new CompletableFuture<>();
      private final ArrayDeque<Long> sentAt = new ArrayDeque<>();
      private int sent;
      private int received;
      StreamObserver<SinkMessage> requests;

      Exchanges(int n) {
        rtt = new double[n];
      }

      synchronized void send() {
        sent++;
        sentAt.addLast(System.nanoTime());
        requests.onNext(PING);
      }

      @Override
      public synchronized void onNext(HubMessage m) {
        rtt[received++] = (System.nanoTime() - sentAt.removeFirst()) / 1e3;
        if (sent < rtt.length) {
          send();
        } else if (received == rtt.length) {
          requests.onCompleted();
          done.complete(null);
        }
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    }

    @Override
    public void close() {
      channel.shutdownNow();
      server.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
