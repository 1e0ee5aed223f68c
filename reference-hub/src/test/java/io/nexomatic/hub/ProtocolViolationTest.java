package io.nexomatic.hub;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.nexomatic.hub.testing.HubFixture;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.protocol.v1.Accept;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Malformed or out-of-order messages get a clear answer, and nothing is lost. */
class ProtocolViolationTest {
  private HubFixture hub;
  private ScriptedSink sink;

  @BeforeEach
  void start() throws Exception {
    hub = new HubFixture();
    sink = hub.sink(BASE);
  }

  @AfterEach
  void stop() throws Exception {
    hub.close();
  }

  @Test
  void aMessageBeforeHelloFailsThePrecondition() {
    sink.connect();
    sink.credit(1);
    assertThat(sink.closedWith().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(sink.closedWith().getDescription()).contains("first message must be Hello");
  }

  @Test
  void aSecondHelloFailsThePrecondition() {
    sink.hello(1);
    sink.send(
        SinkMessage.newBuilder()
            .setHello(
                io.nexomatic.protocol.v1.Hello.newBuilder()
                    .setSinkUuid(sink.sinkUuid)
                    .setSinkType(BASE)
                    .setConcurrency(1)));
    assertThat(sink.closedWith().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(sink.closedWith().getDescription()).contains("Hello sent twice");
  }

  @Test
  void anEmptyMessageIsInvalid() {
    sink.hello(1);
    sink.send(SinkMessage.newBuilder());
    assertThat(sink.closedWith().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void aHelloWithoutConcurrencyIsInvalidAndNamesTheField() {
    sink.connect();
    sink.send(
        SinkMessage.newBuilder()
            .setHello(
                io.nexomatic.protocol.v1.Hello.newBuilder().setSinkUuid("x").setSinkType(BASE)));
    assertThat(sink.closedWith().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(sink.closedWith().getDescription()).contains("Hello.concurrency");
  }

  @Test
  void anAcceptWithoutATaskIdIsInvalidAndNamesTheField() {
    sink.hello(1);
    sink.send(SinkMessage.newBuilder().setAccept(Accept.newBuilder()));
    assertThat(sink.closedWith().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(sink.closedWith().getDescription()).contains("Accept.task.task_id");
  }

  @Test
  void aResultWithANonTerminalStateIsInvalid() {
    sink.hello(1);
    sink.send(
        SinkMessage.newBuilder()
            .setResult(
                TaskResult.newBuilder()
                    .setTask(TaskRef.newBuilder().setTaskId("t").setAttempt(1))
                    .setState(TaskState.RUNNING)));
    assertThat(sink.closedWith().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(sink.closedWith().getDescription()).contains("TaskResult.state");
  }

  @Test
  void aResultBeforeAcceptIsRejectedWithAnExplanationAndTheTaskIsNotLost() throws Exception {
    sink.hello(1);
    sink.credit(1);
    var t = hub.submit(BASE);
    TaskRef ref = sink.expect(HubMessage.BodyCase.OFFER).getOffer().getTask();
    sink.result(ref, TaskState.SUCCESS, 0);
    var ack = sink.expect(HubMessage.BodyCase.RESULT_ACK).getResultAck();
    assertThat(ack.getDisposition()).isEqualTo(ResultDisposition.REJECTED);
    assertThat(ack.getDetail()).contains("is OFFERED, not leased");
    assertThat(sink.closedWith()).as("a semantic mismatch does not end the session").isNull();
    sink.accept(ref);
    sink.expect(HubMessage.BodyCase.LEASE_GRANTED);
    sink.result(ref, TaskState.SUCCESS, 0);
    assertThat(sink.expect(HubMessage.BodyCase.RESULT_ACK).getResultAck().getDisposition())
        .isEqualTo(ResultDisposition.RECORDED);
    assertThat(hub.core().get(t.getTaskId()).getState()).isEqualTo(TaskState.SUCCESS);
  }

  @Test
  void aResultForAnUnknownTaskIsRejected() throws Exception {
    sink.hello(1);
    sink.result(
        TaskRef.newBuilder().setTaskId("no-such").setAttempt(1).build(), TaskState.SUCCESS, 0);
    var ack = sink.expect(HubMessage.BodyCase.RESULT_ACK).getResultAck();
    assertThat(ack.getDisposition()).isEqualTo(ResultDisposition.REJECTED);
    assertThat(ack.getDetail()).contains("unknown task id 'no-such'");
  }

  @Test
  void anAcceptForAnUnknownTaskIsDenied() {
    sink.hello(1);
    sink.accept(TaskRef.newBuilder().setTaskId("ghost").setAttempt(1).build());
    assertThat(sink.expect(HubMessage.BodyCase.LEASE_DENIED).getLeaseDenied().getReason())
        .contains("unknown task id 'ghost'");
  }

  @Test
  void aLogStreamWithoutASessionFailsThePrecondition() {
    sink.hello(1);
    sink.drop();
    sink.openLogs();
    assertThat(sink.logClosedWith().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void randomBytesInsteadOfMessagesEndOnlyThatStreamAndTheHubServesTheNextSink() throws Exception {
    var random = new java.util.Random(20261129L);
    var statuses = new java.util.ArrayList<Status>();
    for (int stream = 0; stream < 20; stream++) {
      byte[] frame = new byte[1 + random.nextInt(512)];
      random.nextBytes(frame);
      statuses.add(RawStream.sendAndClose(hub.channel(), frame));
    }
    // Some random frames happen to parse as a (meaningless) message; the rest do not parse at
    // all. Either way the stream ends with a status, never with silence or a dead Hub.
    assertThat(statuses).allSatisfy(st -> assertThat(st.getCode()).isNotEqualTo(Status.Code.OK));

    var task = hub.submit(BASE);
    sink.hello(1);
    sink.credit(1);
    assertThat(sink.takeOffer().getTaskId()).isEqualTo(task.getTaskId());
  }

  /** A client that speaks the Connect method with raw bytes instead of SinkMessages. */
  private static final class RawStream {
    static Status sendAndClose(io.grpc.Channel channel, byte[] frame) throws Exception {
      var bytes =
          new io.grpc.MethodDescriptor.Marshaller<byte[]>() {
            @Override
            public java.io.InputStream stream(byte[] value) {
              return new java.io.ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(java.io.InputStream stream) {
              try {
                return stream.readAllBytes();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
          };
      var method =
          io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
              .setFullMethodName(
                  io.nexomatic.protocol.v1.SinkHubGrpc.getConnectMethod().getFullMethodName())
              .setRequestMarshaller(bytes)
              .setResponseMarshaller(bytes)
              .build();
      var headers = new io.grpc.Metadata();
      headers.put(io.nexomatic.protocol.ProtocolMetadata.CLIENT_ID, BASE);
      headers.put(
          io.nexomatic.protocol.ProtocolMetadata.CLIENT_SECRET,
          io.nexomatic.hub.testing.TestCredentials.BASE_SECRET);
      var closed = new java.util.concurrent.CompletableFuture<Status>();
      var call = channel.newCall(method, io.grpc.CallOptions.DEFAULT);
      call.start(
          new io.grpc.ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, io.grpc.Metadata trailers) {
              closed.complete(status);
            }
          },
          headers);
      call.request(Integer.MAX_VALUE);
      call.sendMessage(frame);
      call.halfClose();
      return closed.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
