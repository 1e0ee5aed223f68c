package io.nexomatic.hub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.protocol.v1.Accept;
import io.nexomatic.protocol.v1.Backpressure;
import io.nexomatic.protocol.v1.CreditGrant;
import io.nexomatic.protocol.v1.Decline;
import io.nexomatic.protocol.v1.Draining;
import io.nexomatic.protocol.v1.Heartbeat;
import io.nexomatic.protocol.v1.HeldState;
import io.nexomatic.protocol.v1.HeldTask;
import io.nexomatic.protocol.v1.Hello;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.LogAck;
import io.nexomatic.protocol.v1.LogChunk;
import io.nexomatic.protocol.v1.Release;
import io.nexomatic.protocol.v1.SinkHubGrpc;
import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskStarted;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.protocol.v1.Welcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A sink driven step by step by a test: every protocol message is one method call, and what the Hub
 * sends lands in an inbox the test reads. Drives every path of the Hub, including wrong ones.
 */
public final class ScriptedSink implements AutoCloseable {
  public String sinkUuid = UUID.randomUUID().toString();

  /** The pod name it reports; by default one derived from its uuid. */
  public String podName;

  private final SinkHubGrpc.SinkHubStub stub;
  private final String sinkType;
  private final Optional<String> tenant;
  private final BlockingQueue<HubMessage> inbox = new LinkedBlockingQueue<>();
  private final BlockingQueue<LogAck> logAcks = new LinkedBlockingQueue<>();
  private volatile Status closedWith;
  private volatile Status logClosedWith;
  private StreamObserver<SinkMessage> out;
  private StreamObserver<LogChunk> logOut;
  private Welcome welcome;
  private long seq;

  ScriptedSink(
      Channel channel,
      String sinkType,
      String clientSecret,
      Optional<String> tenant,
      String tenantSecret) {
    this.sinkType = sinkType;
    this.tenant = tenant;
    Metadata h = new Metadata();
    h.put(ProtocolMetadata.CLIENT_ID, sinkType);
    h.put(ProtocolMetadata.CLIENT_SECRET, clientSecret);
    tenant.ifPresent(t -> h.put(ProtocolMetadata.TENANT_UUID, t));
    if (tenantSecret != null) {
      h.put(ProtocolMetadata.TENANT_SECRET, tenantSecret);
    }
    this.stub =
        SinkHubGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
  }

  /** A sink with explicit (possibly wrong) credentials. */
  public static ScriptedSink forTest(
      Channel channel,
      String sinkType,
      String clientSecret,
      Optional<String> tenant,
      String tenantSecret) {
    return new ScriptedSink(channel, sinkType, clientSecret, tenant, tenantSecret);
  }

  /** An admin-service stub authenticated with a Sink Type's own credentials. */
  public static io.nexomatic.protocol.v1.HubAdminGrpc.HubAdminBlockingStub statsStub(
      Channel channel, String sinkType, String clientSecret) {
    Metadata h = new Metadata();
    h.put(ProtocolMetadata.CLIENT_ID, sinkType);
    h.put(ProtocolMetadata.CLIENT_SECRET, clientSecret);
    return io.nexomatic.protocol.v1.HubAdminGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
  }

  /** Opens the control stream (no Hello yet). */
  public ScriptedSink connect() {
    closedWith = null;
    inbox.clear();
    out =
        stub.connect(
            new StreamObserver<>() {
              @Override
              public void onNext(HubMessage m) {
                inbox.add(m);
              }

              @Override
              public void onError(Throwable t) {
                closedWith = Status.fromThrowable(t);
              }

              @Override
              public void onCompleted() {
                closedWith = Status.OK;
              }
            });
    return this;
  }

  /** Connects and says Hello; returns the Welcome. */
  public Welcome hello(int concurrency, HeldTask... resume) {
    if (out == null || closedWith != null) {
      connect();
    }
    send(
        SinkMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setSinkUuid(sinkUuid)
                    .setSinkType(sinkType)
                    .setTenantUuid(tenant.orElse(""))
                    .setConcurrency(concurrency)
                    .setVersion("scripted")
                    .setPodName(podName != null ? podName : "pod-" + sinkUuid.substring(0, 8))
                    .addAllResume(List.of(resume))));
    welcome = expect(HubMessage.BodyCase.WELCOME).getWelcome();
    return welcome;
  }

  public Welcome welcome() {
    return welcome;
  }

  public void send(SinkMessage.Builder m) {
    out.onNext(m.build());
  }

  public void credit(int n) {
    send(SinkMessage.newBuilder().setCredit(CreditGrant.newBuilder().setCredits(n)));
  }

  public void accept(TaskRef ref) {
    send(SinkMessage.newBuilder().setAccept(Accept.newBuilder().setTask(ref)));
  }

  public void decline(TaskRef ref) {
    send(SinkMessage.newBuilder().setDecline(Decline.newBuilder().setTask(ref).setReason("test")));
  }

  public void started(TaskRef ref) {
    send(SinkMessage.newBuilder().setStarted(TaskStarted.newBuilder().setTask(ref)));
  }

  public void result(TaskRef ref, TaskState state, int code, String... messages) {
    send(
        SinkMessage.newBuilder()
            .setResult(
                TaskResult.newBuilder()
                    .setTask(ref)
                    .setState(state)
                    .setResultCode(code)
                    .addAllMessages(List.of(messages))));
  }

  public void heartbeat(TaskRef... held) {
    send(
        SinkMessage.newBuilder()
            .setHeartbeat(Heartbeat.newBuilder().setSeq(++seq).addAllHeld(List.of(held))));
  }

  public void backpressure(boolean engaged) {
    send(
        SinkMessage.newBuilder()
            .setBackpressure(
                Backpressure.newBuilder().setEngaged(engaged).setQueueDepth(10).setThreshold(10)));
  }

  public void draining() {
    send(SinkMessage.newBuilder().setDraining(Draining.newBuilder().setDeadlineMs(1)));
  }

  public void release(TaskRef ref, boolean started) {
    send(
        SinkMessage.newBuilder()
            .setRelease(Release.newBuilder().setTask(ref).setStarted(started).setReason("test")));
  }

  /** Accepts an offer and returns the granted ref (asserting the lease was granted). */
  public TaskRef takeOffer() {
    TaskRef ref = expect(HubMessage.BodyCase.OFFER).getOffer().getTask();
    accept(ref);
    expect(HubMessage.BodyCase.LEASE_GRANTED);
    return ref;
  }

  /** The next message, which must be of this kind (heartbeat acks are skipped unless asked for). */
  public HubMessage expect(HubMessage.BodyCase kind) {
    HubMessage m = next(Duration.ofSeconds(60));
    while (m != null
        && kind != HubMessage.BodyCase.HEARTBEAT_ACK
        && m.getBodyCase() == HubMessage.BodyCase.HEARTBEAT_ACK) {
      m = next(Duration.ofSeconds(60));
    }
    assertThat(m)
        .as("expected a %s from the Hub (stream closed with: %s)", kind, closedWith)
        .isNotNull();
    assertThat(m.getBodyCase()).as("message from the Hub: %s", m).isEqualTo(kind);
    return m;
  }

  public HubMessage next(Duration wait) {
    try {
      return inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** What the Hub has sent and nobody read yet (in-process with a direct executor: synchronous). */
  public List<HubMessage> drain() {
    List<HubMessage> all = new ArrayList<>();
    inbox.drainTo(all);
    return all;
  }

  public long pending(HubMessage.BodyCase kind) {
    return inbox.stream().filter(m -> m.getBodyCase() == kind).count();
  }

  public Status closedWith() {
    return closedWith;
  }

  /** Simulates the connection dropping: the client cancels the stream. */
  public void drop() {
    out.onError(Status.UNAVAILABLE.withDescription("test drop").asRuntimeException());
    out = null;
  }

  // ---- log stream

  public void openLogs() {
    logClosedWith = null;
    logAcks.clear();
    Metadata h = new Metadata();
    h.put(ProtocolMetadata.SESSION_ID, welcome.getSessionId());
    logOut =
        stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
            .streamLogs(
                new StreamObserver<>() {
                  @Override
                  public void onNext(LogAck a) {
                    logAcks.add(a);
                  }

                  @Override
                  public void onError(Throwable t) {
                    logClosedWith = Status.fromThrowable(t);
                  }

                  @Override
                  public void onCompleted() {
                    logClosedWith = Status.OK;
                  }
                });
  }

  public LogAck log(TaskRef ref, long offset, byte[] data, boolean eof) {
    logOut.onNext(
        LogChunk.newBuilder()
            .setTask(ref)
            .setOffset(offset)
            .setData(com.google.protobuf.ByteString.copyFrom(data))
            .setEof(eof)
            .build());
    try {
      // Up to a minute for the ack, unless the Hub ends the stream instead (then null).
      for (int i = 0; i < 600 && logClosedWith == null; i++) {
        LogAck ack = logAcks.poll(100, TimeUnit.MILLISECONDS);
        if (ack != null) {
          return ack;
        }
      }
      return logAcks.poll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public Status logClosedWith() {
    return logClosedWith;
  }

  public static HeldTask held(TaskRef ref, HeldState state) {
    return HeldTask.newBuilder().setTask(ref).setState(state).build();
  }

  @Override
  public void close() {
    if (out != null && closedWith == null) {
      out.onCompleted();
    }
  }
}
