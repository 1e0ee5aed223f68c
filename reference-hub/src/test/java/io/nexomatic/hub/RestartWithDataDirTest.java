package io.nexomatic.hub;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.hub.store.H2TaskJournal;
import io.nexomatic.hub.testing.HubFixture;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.protocol.v1.HeldState;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.ResumeVerdict;
import io.nexomatic.protocol.v1.StreamTaskLogsRequest;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With --data-dir, queued, running and finished tasks (and logs) survive a restart. */
class RestartWithDataDirTest {
  @TempDir Path dataDir;

  @Test
  void queuedRunningAndFinishedTasksSurviveARestartAndTheRunningOneResumes() throws Exception {
    String queued;
    String running;
    String finished;
    String sinkUuid;
    TaskRef runningRef;
    try (HubFixture hub = new HubFixture(b -> b, new H2TaskJournal(dataDir))) {
      ScriptedSink sink = hub.sink(BASE);
      sink.hello(2);
      finished = hub.submit(BASE).getTaskId();
      running = hub.submit(BASE).getTaskId();
      queued = hub.submit(BASE).getTaskId();
      sink.credit(2);
      TaskRef f = sink.expect(HubMessage.BodyCase.OFFER).getOffer().getTask();
      runningRef = sink.expect(HubMessage.BodyCase.OFFER).getOffer().getTask();
      sink.accept(f);
      sink.expect(HubMessage.BodyCase.LEASE_GRANTED);
      sink.accept(runningRef);
      sink.expect(HubMessage.BodyCase.LEASE_GRANTED);
      sink.started(runningRef);
      sink.openLogs();
      sink.log(runningRef, 0, "partial output\n".getBytes(StandardCharsets.UTF_8), false);
      sink.result(f, TaskState.SUCCESS, 0, "ok");
      sinkUuid = sink.sinkUuid;
    }

    try (HubFixture hub = new HubFixture(b -> b, new H2TaskJournal(dataDir))) {
      assertThat(hub.core().get(finished).getState()).isEqualTo(TaskState.SUCCESS);
      assertThat(hub.core().get(finished).getMessagesList()).containsExactly("ok");
      assertThat(hub.core().get(running).getState()).isEqualTo(TaskState.RUNNING);
      assertThat(hub.core().get(queued).getState()).isEqualTo(TaskState.QUEUED);

      ScriptedSink sink = hub.sink(BASE);
      sink.sinkUuid = sinkUuid;
      var welcome = sink.hello(2, ScriptedSink.held(runningRef, HeldState.HELD_RUNNING));
      assertThat(welcome.getResumeDecisions(0).getVerdict()).isEqualTo(ResumeVerdict.KEEP);
      sink.credit(1);
      assertThat(sink.takeOffer().getTaskId()).isEqualTo(queued);
      sink.result(runningRef, TaskState.SUCCESS, 0, "after restart");
      assertThat(sink.expect(HubMessage.BodyCase.RESULT_ACK).getResultAck().getDisposition())
          .isEqualTo(ResultDisposition.RECORDED);
      assertThat(hub.core().get(running).getAttempt()).isEqualTo(1);

      ByteArrayOutputStream log = new ByteArrayOutputStream();
      hub.admin
          .streamTaskLogs(StreamTaskLogsRequest.newBuilder().setTaskId(running).build())
          .forEachRemaining(c -> log.writeBytes(c.getData().toByteArray()));
      assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("partial output\n");
    }
  }
}
