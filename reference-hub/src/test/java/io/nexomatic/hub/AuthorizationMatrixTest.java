package io.nexomatic.hub;

import static io.nexomatic.hub.testing.TestCredentials.ADMIN_TOKEN;
import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static io.nexomatic.hub.testing.TestCredentials.PWSH;
import static io.nexomatic.hub.testing.TestCredentials.PWSH_SECRET;
import static io.nexomatic.hub.testing.TestCredentials.TENANT_A;
import static io.nexomatic.hub.testing.TestCredentials.TENANT_A_SECRET;
import static io.nexomatic.hub.testing.TestCredentials.TENANT_B_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.protocol.v1.CancelTaskRequest;
import io.nexomatic.protocol.v1.ControlSinkRequest;
import io.nexomatic.protocol.v1.GetTaskRequest;
import io.nexomatic.protocol.v1.Hello;
import io.nexomatic.protocol.v1.HubAdminGrpc;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.ListSinksRequest;
import io.nexomatic.protocol.v1.ListTasksRequest;
import io.nexomatic.protocol.v1.LogAck;
import io.nexomatic.protocol.v1.LogChunk;
import io.nexomatic.protocol.v1.QueueStatsRequest;
import io.nexomatic.protocol.v1.SinkAction;
import io.nexomatic.protocol.v1.SinkHubGrpc;
import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.StreamTaskLogsRequest;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every Hub RPC against every kind of caller, over real gRPC on 127.0.0.1, compared cell by cell
 * with the table in docs/protocol.md: the docs are the specification, and a change to either side
 * alone fails here.
 */
class AuthorizationMatrixTest {
  private static final Path DOC = Path.of("..", "docs", "protocol.md");
  private static final String START = "<!-- authorization-matrix:start -->";
  private static final String END = "<!-- authorization-matrix:end -->";
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The callers, in the docs' column order, each as the call metadata it sends. */
  private static final Map<String, Map<Metadata.Key<String>, String>> PRINCIPALS =
      new LinkedHashMap<>();

  static {
    PRINCIPALS.put("admin token", Map.of(ProtocolMetadata.AUTHORIZATION, bearer(ADMIN_TOKEN)));
    PRINCIPALS.put(
        "LOCAL:BASE secret",
        Map.of(ProtocolMetadata.CLIENT_ID, BASE, ProtocolMetadata.CLIENT_SECRET, BASE_SECRET));
    PRINCIPALS.put(
        "LOCAL:PWSH secret",
        Map.of(ProtocolMetadata.CLIENT_ID, PWSH, ProtocolMetadata.CLIENT_SECRET, PWSH_SECRET));
    PRINCIPALS.put(
        "LOCAL:BASE pinned to tenant A",
        Map.of(
            ProtocolMetadata.CLIENT_ID, BASE,
            ProtocolMetadata.CLIENT_SECRET, BASE_SECRET,
            ProtocolMetadata.TENANT_UUID, TENANT_A,
            ProtocolMetadata.TENANT_SECRET, TENANT_A_SECRET));
    PRINCIPALS.put(
        "tenant A with B's secret",
        Map.of(
            ProtocolMetadata.CLIENT_ID, BASE,
            ProtocolMetadata.CLIENT_SECRET, BASE_SECRET,
            ProtocolMetadata.TENANT_UUID, TENANT_A,
            ProtocolMetadata.TENANT_SECRET, TENANT_B_SECRET));
    PRINCIPALS.put(
        "wrong admin token", Map.of(ProtocolMetadata.AUTHORIZATION, bearer("not-the-token")));
    PRINCIPALS.put("none", Map.of());
  }

  private HubServer server;
  private ManagedChannel channel;
  private ScriptedSink openSink;

  private static String bearer(String token) {
    return ProtocolMetadata.BEARER_PREFIX + token;
  }

  @BeforeEach
  void start() throws Exception {
    server =
        new HubServer(
                HubServer.nettyBuilder("127.0.0.1", 0),
                HubConfig.builder()
                    .heartbeatInterval(Duration.ofSeconds(60))
                    .leaseTtl(Duration.ofMinutes(5))
                    .build(),
                TestCredentials.credentials(),
                TaskJournal.inMemory())
            .start();
    channel =
        Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
            .build();
    // An open LOCAL:BASE session: what StreamLogs and ControlSink act on.
    openSink = ScriptedSink.forTest(channel, BASE, BASE_SECRET, Optional.empty(), null);
    openSink.hello(1);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    server.close();
  }

  private interface Call {
    void run(Map<Metadata.Key<String>, String> principal) throws Exception;
  }

  /** The calls, in the docs' row order: each targets LOCAL:BASE unless its name says otherwise. */
  private Map<String, Call> calls() {
    Map<String, Call> calls = new LinkedHashMap<>();
    calls.put("SubmitTask", p -> admin(p).submitTask(submitRequest()));
    calls.put(
        "GetTask",
        p -> admin(p).getTask(GetTaskRequest.newBuilder().setTaskId(queued().getTaskId()).build()));
    calls.put(
        "ListTasks",
        p -> admin(p).listTasks(ListTasksRequest.newBuilder().setSinkType(BASE).build()));
    calls.put(
        "CancelTask",
        p ->
            admin(p)
                .cancelTask(
                    CancelTaskRequest.newBuilder().setTaskId(queued().getTaskId()).build()));
    calls.put(
        "StreamTaskLogs",
        p ->
            admin(p)
                .streamTaskLogs(
                    StreamTaskLogsRequest.newBuilder().setTaskId(queued().getTaskId()).build())
                .forEachRemaining(chunk -> {}));
    calls.put(
        "GetQueueStats (LOCAL:BASE)",
        p -> admin(p).getQueueStats(QueueStatsRequest.newBuilder().setSinkType(BASE).build()));
    calls.put(
        "GetQueueStats (LOCAL:BASE, tenant A)",
        p ->
            admin(p)
                .getQueueStats(
                    QueueStatsRequest.newBuilder()
                        .setSinkType(BASE)
                        .setTenantUuid(TENANT_A)
                        .build()));
    calls.put(
        "GetQueueStats (every type)",
        p -> admin(p).getQueueStats(QueueStatsRequest.getDefaultInstance()));
    calls.put(
        "ListSinks (LOCAL:BASE)",
        p -> admin(p).listSinks(ListSinksRequest.newBuilder().setSinkType(BASE).build()));
    calls.put(
        "ControlSink",
        p ->
            admin(p)
                .controlSink(
                    ControlSinkRequest.newBuilder()
                        .setSinkUuid(openSink.sinkUuid)
                        .setAction(SinkAction.RESET)
                        .setReason("authorization matrix")
                        .build()));
    calls.put("Connect (Hello LOCAL:BASE)", p -> connect(p, ""));
    calls.put("Connect (Hello LOCAL:BASE, tenant A)", p -> connect(p, TENANT_A));
    calls.put("StreamLogs (the open LOCAL:BASE session)", this::streamLogs);
    return calls;
  }

  private HubAdminGrpc.HubAdminBlockingStub admin(Map<Metadata.Key<String>, String> principal) {
    return HubAdminGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(principal)))
        .withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Metadata headers(Map<Metadata.Key<String>, String> principal) {
    Metadata headers = new Metadata();
    principal.forEach(headers::put);
    return headers;
  }

  private static SubmitTaskRequest submitRequest() {
    return SubmitTaskRequest.newBuilder()
        .setSinkType(BASE)
        .setModule("samples.hello")
        .setPayloadJson("{}")
        .build();
  }

  private Task queued() throws Exception {
    return server.core().submit(submitRequest());
  }

  /** Opens a control stream and says Hello: OK once Welcome arrives, else the stream's status. */
  private void connect(Map<Metadata.Key<String>, String> principal, String tenant)
      throws Exception {
    var first = new CompletableFuture<HubMessage>();
    var stub =
        SinkHubGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(principal)));
    StreamObserver<SinkMessage> out =
        stub.connect(
            new StreamObserver<>() {
              @Override
              public void onNext(HubMessage m) {
                first.complete(m);
              }

              @Override
              public void onError(Throwable t) {
                first.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                first.completeExceptionally(
                    Status.UNAVAILABLE.withDescription("closed").asRuntimeException());
              }
            });
    out.onNext(
        SinkMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setSinkUuid(UUID.randomUUID().toString())
                    .setSinkType(BASE)
                    .setTenantUuid(tenant)
                    .setConcurrency(1)
                    .setVersion("matrix"))
            .build());
    try {
      assertThat(unwrap(first).getBodyCase()).isEqualTo(HubMessage.BodyCase.WELCOME);
    } finally {
      out.onCompleted();
    }
  }

  /** Opens the log stream on the open session and half-closes: OK when the Hub completes it. */
  private void streamLogs(Map<Metadata.Key<String>, String> principal) throws Exception {
    Metadata headers = headers(principal);
    headers.put(ProtocolMetadata.SESSION_ID, openSink.welcome().getSessionId());
    var done = new CompletableFuture<Void>();
    StreamObserver<LogChunk> out =
        SinkHubGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .streamLogs(
                new StreamObserver<LogAck>() {
                  @Override
                  public void onNext(LogAck ack) {}

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(null);
                  }
                });
    out.onCompleted();
    unwrap(done);
  }

  private static <T> T unwrap(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static String outcome(Call call, Map<Metadata.Key<String>, String> principal) {
    try {
      call.run(principal);
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode().name();
    } catch (Exception e) {
      return "ERROR " + e;
    }
  }

  /** The table as docs/protocol.md prints it. */
  private String measuredTable() {
    List<String> lines = new ArrayList<>();
    lines.add("| Call | " + String.join(" | ", PRINCIPALS.keySet()) + " |");
    lines.add("| --- |" + " --- |".repeat(PRINCIPALS.size()));
    for (var call : calls().entrySet()) {
      List<String> cells = new ArrayList<>();
      for (var principal : PRINCIPALS.values()) {
        cells.add(outcome(call.getValue(), principal));
      }
      lines.add("| " + call.getKey() + " | " + String.join(" | ", cells) + " |");
    }
    return String.join("\n", lines);
  }

  private static String documentedTable() throws IOException {
    String doc = Files.readString(DOC);
    int start = doc.indexOf(START);
    int end = doc.indexOf(END);
    assertThat(start).as("%s in %s", START, DOC).isNotNegative();
    assertThat(end).as("%s in %s", END, DOC).isGreaterThan(start);
    return doc.substring(start + START.length(), end).strip();
  }

  @Test
  void everyCallAndCallerGetsWhatDocsProtocolMdSays() throws IOException {
    String measured = measuredTable();
    System.out.println("[authorization-matrix]\n" + measured);

    assertThat(measured)
        .as("the measured table (printed above) against docs/protocol.md")
        .isEqualTo(documentedTable());
  }
}
