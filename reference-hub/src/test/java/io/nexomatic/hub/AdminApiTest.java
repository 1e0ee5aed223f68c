package io.nexomatic.hub;

import static io.nexomatic.hub.testing.HubFixture.param;
import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.testing.HubFixture;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.protocol.v1.CancelTaskRequest;
import io.nexomatic.protocol.v1.ControlSinkRequest;
import io.nexomatic.protocol.v1.GetTaskRequest;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.ListSinksRequest;
import io.nexomatic.protocol.v1.LogSummary;
import io.nexomatic.protocol.v1.ParameterKind;
import io.nexomatic.protocol.v1.SinkAction;
import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.SinkStatus;
import io.nexomatic.protocol.v1.StreamTaskLogsRequest;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Submit validation, cancel, control, logs and the queue bound. */
class AdminApiTest {
  private HubFixture hub;

  @AfterEach
  void stop() throws Exception {
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void anInvalidSubmitListsEveryProblemByField() throws Exception {
    hub = new HubFixture();
    assertThatThrownBy(
            () ->
                hub.admin.submitTask(
                    SubmitTaskRequest.newBuilder()
                        .setPayloadJson("[1,2]")
                        .setTenantUuid("not-a-uuid")
                        .addParameters(param("x", ParameterKind.DATA, "missing"))
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("sink_type: required")
                  .contains("module: required")
                  .contains("tenant_uuid: must be a UUID")
                  .contains("payload_json: must be a JSON object");
            });
  }

  @Test
  void secretParametersAreMaskedInTheAdminViewButDeliveredToTheSink() throws Exception {
    hub = new HubFixture();
    var t =
        hub.admin.submitTask(
            SubmitTaskRequest.newBuilder()
                .setSinkType(BASE)
                .setModule("m")
                .setPayloadJson("{\"user\":{\"name\":\"ada\"}}")
                .addParameters(param("pw", ParameterKind.SECRET, "s3cr3t-value"))
                .addParameters(param("who", ParameterKind.DATA, "/user/name"))
                .build());
    assertThat(t.toString()).doesNotContain("s3cr3t-value");
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(1);
    sink.credit(1);
    var offer = sink.expect(HubMessage.BodyCase.OFFER).getOffer();
    assertThat(offer.getParametersList())
        .extracting(p -> p.getName() + "=" + p.getValue())
        .containsExactly("pw=s3cr3t-value", "who=ada");
  }

  @Test
  void submitIsIdempotentPerClientRequestId() throws Exception {
    hub = new HubFixture();
    var req =
        SubmitTaskRequest.newBuilder()
            .setSinkType(BASE)
            .setModule("m")
            .setClientRequestId("r-1")
            .build();
    assertThat(hub.admin.submitTask(req).getTaskId())
        .isEqualTo(hub.admin.submitTask(req).getTaskId());
  }

  @Test
  void aFullQueueAnswersResourceExhaustedAndKeepsWhatItHas() throws Exception {
    hub = new HubFixture(b -> b.maxQueued(3), TaskJournal.inMemory());
    for (int i = 0; i < 3; i++) {
      hub.submit(BASE);
    }
    assertThatThrownBy(() -> hub.submit(BASE))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription()).contains("queue full");
            });
    assertThat(hub.core().countByState().get(TaskState.QUEUED)).isEqualTo(3);
  }

  @Test
  void cancellingAQueuedTaskEndsItAndCancellingARunningOneTellsItsSink() throws Exception {
    hub = new HubFixture();
    var queued = hub.submit(BASE);
    var cancelled =
        hub.admin.cancelTask(
            CancelTaskRequest.newBuilder().setTaskId(queued.getTaskId()).setReason("no").build());
    assertThat(cancelled.getState()).isEqualTo(TaskState.ERROR);
    assertThat(cancelled.getMessagesList()).containsExactly("cancelled: no");

    ScriptedSink sink = hub.sink(BASE);
    sink.hello(1);
    sink.credit(1);
    var running = hub.submit(BASE);
    TaskRef ref = sink.takeOffer();
    sink.started(ref);
    hub.admin.cancelTask(
        CancelTaskRequest.newBuilder().setTaskId(running.getTaskId()).setReason("stop").build());
    var cancel = sink.expect(HubMessage.BodyCase.CANCEL).getCancel();
    assertThat(cancel.getTask()).isEqualTo(ref);
    assertThat(cancel.getReason()).isEqualTo("stop");
    sink.result(ref, TaskState.ERROR, 143, "cancelled: stop");
    assertThat(hub.core().get(running.getTaskId()).getState()).isEqualTo(TaskState.ERROR);
  }

  @Test
  void resetKillAndForceKillReachTheSinkAndShowInItsStatus() throws Exception {
    hub = new HubFixture();
    for (SinkAction action :
        new SinkAction[] {SinkAction.RESET, SinkAction.KILL, SinkAction.FORCE_KILL}) {
      ScriptedSink sink = hub.sink(BASE);
      sink.hello(1);
      var shown =
          hub.admin.controlSink(
              ControlSinkRequest.newBuilder().setSinkUuid(sink.sinkUuid).setAction(action).build());
      assertThat(shown.getStatus())
          .isEqualTo(
              switch (action) {
                case RESET -> SinkStatus.RESETTING;
                case KILL -> SinkStatus.KILLING;
                default -> SinkStatus.FORCE_KILLING;
              });
      assertThat(sink.expect(HubMessage.BodyCase.CONTROL).getControl().getAction())
          .isEqualTo(action);
      sink.credit(1);
      hub.submit(BASE);
      assertThat(sink.pending(HubMessage.BodyCase.OFFER)).as("no offers after %s", action).isZero();
      sink.close();
    }
    assertThat(
            hub.admin
                .listSinks(ListSinksRequest.newBuilder().setIncludeOffline(true).build())
                .getSinksList())
        .extracting(s -> s.getStatus())
        .containsOnly(SinkStatus.OFFLINE);
  }

  @Test
  void logOffsetsAreAcknowledgedContiguouslyAndAGapIsRefused() throws Exception {
    hub = new HubFixture();
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(1);
    sink.credit(1);
    var t = hub.submit(BASE);
    TaskRef ref = sink.takeOffer();
    sink.openLogs();
    byte[] hello = "hello ".getBytes(StandardCharsets.UTF_8);
    assertThat(sink.log(ref, 0, hello, false).getAckedOffset()).isEqualTo(6);
    assertThat(sink.log(ref, 100, "gap".getBytes(StandardCharsets.UTF_8), false).getAckedOffset())
        .as("a gap is not acknowledged")
        .isEqualTo(6);
    assertThat(sink.log(ref, 3, "lo world".getBytes(StandardCharsets.UTF_8), true).getAckedOffset())
        .as("an overlap is trimmed")
        .isEqualTo(11);
    TaskRef stale = ref.toBuilder().setAttempt(2).build();
    assertThat(sink.log(stale, 0, hello, false).getDiscard()).isTrue();
    sink.result(ref, TaskState.SUCCESS, 0);

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    hub.admin
        .streamTaskLogs(
            StreamTaskLogsRequest.newBuilder().setTaskId(t.getTaskId()).setFollow(true).build())
        .forEachRemaining(c -> log.writeBytes(c.getData().toByteArray()));
    assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("hello world");
    assertThat(
            hub.admin
                .getTask(GetTaskRequest.newBuilder().setTaskId(t.getTaskId()).build())
                .getLogBytes())
        .as("the task view counts the log bytes the Hub holds")
        .isEqualTo(11);
  }

  /** A leased task whose sink reports SUCCESS with this many forwarded log bytes. */
  private TaskRef finishWithForwardedLog(ScriptedSink sink, long forwardedBytes) {
    sink.hello(1);
    sink.credit(1);
    TaskRef ref = sink.takeOffer();
    sink.openLogs();
    sink.send(
        SinkMessage.newBuilder()
            .setResult(
                TaskResult.newBuilder()
                    .setTask(ref)
                    .setState(TaskState.SUCCESS)
                    .setLog(
                        LogSummary.newBuilder()
                            .setProducedBytes(forwardedBytes)
                            .setForwardedBytes(forwardedBytes))));
    sink.expect(HubMessage.BodyCase.RESULT_ACK);
    return ref;
  }

  @Test
  void aResultThatOvertakesItsLogKeepsReadersWaitingForTheBytesItCounts() throws Exception {
    // The result travels on the control stream and the log on its own: the result can arrive
    // first. A follower told "complete" then would end with an empty log and miss the output.
    hub = new HubFixture();
    ScriptedSink sink = hub.sink(BASE);
    var t = hub.submit(BASE);
    TaskRef ref = finishWithForwardedLog(sink, 6);

    assertThat(hub.core().readLog(t.getTaskId(), 0, 100).complete())
        .as("6 bytes the result counts are still on the way")
        .isFalse();

    sink.log(ref, 0, "hello\n".getBytes(StandardCharsets.UTF_8), false);

    var view = hub.core().readLog(t.getTaskId(), 0, 100);
    assertThat(new String(view.data(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
    assertThat(view.complete()).as("every counted byte arrived, without an end chunk").isTrue();
  }

  @Test
  void aTaskWithoutOutputHasACompleteLogWithoutAnyChunk() throws Exception {
    hub = new HubFixture();
    ScriptedSink sink = hub.sink(BASE);
    var t = hub.submit(BASE);
    finishWithForwardedLog(sink, 0);

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    hub.admin
        .streamTaskLogs(
            StreamTaskLogsRequest.newBuilder().setTaskId(t.getTaskId()).setFollow(true).build())
        .forEachRemaining(c -> log.writeBytes(c.getData().toByteArray()));
    assertThat(log.size()).isZero();
  }

  @Test
  void aPayloadOverTheHubsLimitIsRefusedByNameAndNothingIsQueued() throws Exception {
    hub =
        new HubFixture(b -> b.maxPayloadBytes(1024), io.nexomatic.hub.store.TaskJournal.inMemory());
    String big = "{\"blob\": \"" + "x".repeat(2048) + "\"}";
    var refused =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.grpc.StatusRuntimeException.class,
            () ->
                hub.admin.submitTask(
                    io.nexomatic.protocol.v1.SubmitTaskRequest.newBuilder()
                        .setSinkType(BASE)
                        .setModule("m")
                        .setPayloadJson(big)
                        .build()));
    assertThat(refused.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getStatus().getDescription())
        .contains("payload_json: larger than the Hub's limit of 1024 bytes");
    assertThat(
            hub.admin
                .listTasks(io.nexomatic.protocol.v1.ListTasksRequest.getDefaultInstance())
                .getTasksCount())
        .isZero();
  }
}
