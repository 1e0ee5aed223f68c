package io.nexomatic.hub;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.hub.testing.HubFixture;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.protocol.v1.GetTaskRequest;
import io.nexomatic.protocol.v1.HeldState;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.ResumeVerdict;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.protocol.v1.Welcome;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Offers, leases, re-queue and fencing: no task lost, none run twice needlessly. */
class LeaseAndFencingTest {
  private HubFixture hub;

  @BeforeEach
  void start() throws Exception {
    hub = new HubFixture();
  }

  @AfterEach
  void stop() throws Exception {
    hub.close();
  }

  private Task task(String id) {
    return hub.admin.getTask(GetTaskRequest.newBuilder().setTaskId(id).build());
  }

  @Test
  void anOfferNotAcceptedInTimeGoesBackToTheQueueAndALateAcceptIsDenied() {
    ScriptedSink slow = hub.sink(BASE);
    slow.hello(1);
    slow.credit(1);
    Task t = hub.submit(BASE);
    TaskRef ref = slow.expect(HubMessage.BodyCase.OFFER).getOffer().getTask();
    assertThat(task(t.getTaskId()).getState()).isEqualTo(TaskState.OFFERED);

    hub.tick(hub.config.offerTimeout().plusMillis(1));
    assertThat(task(t.getTaskId()).getState()).isEqualTo(TaskState.QUEUED);

    slow.accept(ref);
    HubMessage denied = slow.expect(HubMessage.BodyCase.LEASE_DENIED);
    assertThat(denied.getLeaseDenied().getReason()).contains("not offered to this session");

    ScriptedSink other = hub.sink(BASE);
    other.hello(1);
    other.credit(1);
    TaskRef again = other.takeOffer();
    assertThat(again.getAttempt()).as("an offer that never ran keeps its attempt").isEqualTo(1);
  }

  @Test
  void aDeclinedOfferIsRequeuedAndNotOfferedBackToTheSinkThatDeclined() {
    ScriptedSink a = hub.sink(BASE);
    a.hello(1);
    a.credit(5);
    Task t = hub.submit(BASE);
    TaskRef ref = a.expect(HubMessage.BodyCase.OFFER).getOffer().getTask();
    a.decline(ref);
    assertThat(a.pending(HubMessage.BodyCase.OFFER)).isZero();
    assertThat(task(t.getTaskId()).getState()).isEqualTo(TaskState.QUEUED);
  }

  @Test
  void aSessionDropAndResumeWithinTheTtlKeepsTheSameAttemptWithNoSecondDispatch() {
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(1);
    sink.credit(1);
    Task t = hub.submit(BASE);
    TaskRef ref = sink.takeOffer();
    sink.started(ref);
    ScriptedSink bystander = hub.sink(BASE);
    bystander.hello(4);
    bystander.credit(4);

    sink.drop();
    // 28 s of outage, below the 30 s TTL; the bystander keeps its own session alive.
    for (int i = 0; i < 2; i++) {
      hub.tick(Duration.ofSeconds(14));
      bystander.heartbeat();
    }
    assertThat(bystander.pending(HubMessage.BodyCase.OFFER)).isZero();

    Welcome w = sink.hello(1, ScriptedSink.held(ref, HeldState.HELD_RUNNING));
    assertThat(w.getResumeDecisions(0).getVerdict()).isEqualTo(ResumeVerdict.KEEP);
    // Another 28 s, past the original expiry: heartbeats renew the lease.
    for (int i = 0; i < 2; i++) {
      sink.heartbeat(ref);
      bystander.heartbeat();
      hub.tick(Duration.ofSeconds(14));
    }
    assertThat(bystander.pending(HubMessage.BodyCase.OFFER)).isZero();
    assertThat(bystander.closedWith()).isNull();

    sink.result(ref, TaskState.SUCCESS, 0, "done");
    assertThat(sink.expect(HubMessage.BodyCase.RESULT_ACK).getResultAck().getDisposition())
        .isEqualTo(ResultDisposition.RECORDED);
    Task done = task(t.getTaskId());
    assertThat(done.getState()).isEqualTo(TaskState.SUCCESS);
    assertThat(done.getAttempt()).isEqualTo(1);
    assertThat(done.getHistoryList()).hasSize(1);
  }

  @Test
  void aDropBeyondTheTtlRequeuesAsTheNextAttemptAndTheOldAttemptsResultIsRejected() {
    ScriptedSink first = hub.sink(BASE);
    first.hello(1);
    first.credit(1);
    Task t = hub.submit(BASE);
    TaskRef attempt1 = first.takeOffer();
    first.started(attempt1);
    first.drop();

    hub.tick(hub.config.leaseTtl().plusMillis(1));
    Task requeued = task(t.getTaskId());
    assertThat(requeued.getState()).isEqualTo(TaskState.QUEUED);
    assertThat(requeued.getAttempt()).isEqualTo(2);
    assertThat(requeued.getHistory(0).getOutcome()).startsWith("lease expired");

    ScriptedSink second = hub.sink(BASE);
    second.hello(1);
    second.credit(1);
    TaskRef attempt2 = second.takeOffer();
    assertThat(attempt2.getAttempt()).isEqualTo(2);

    Welcome w = first.hello(1, ScriptedSink.held(attempt1, HeldState.HELD_FINISHED));
    assertThat(w.getResumeDecisions(0).getVerdict()).isEqualTo(ResumeVerdict.FENCED);
    first.result(attempt1, TaskState.SUCCESS, 0, "late");
    var ack = first.expect(HubMessage.BodyCase.RESULT_ACK).getResultAck();
    assertThat(ack.getDisposition()).isEqualTo(ResultDisposition.STALE_ATTEMPT);
    assertThat(ack.getDetail()).contains("attempt 1 is not current");

    second.result(attempt2, TaskState.SUCCESS, 0, "real");
    Task done = task(t.getTaskId());
    assertThat(done.getState()).isEqualTo(TaskState.SUCCESS);
    assertThat(done.getMessagesList()).containsExactly("real");
  }

  @Test
  void aDuplicateResultIsRecordedOnce() {
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(1);
    sink.credit(1);
    Task t = hub.submit(BASE);
    TaskRef ref = sink.takeOffer();
    sink.result(ref, TaskState.WARNING, 0, "first");
    sink.result(ref, TaskState.ERROR, 9, "second");
    assertThat(sink.expect(HubMessage.BodyCase.RESULT_ACK).getResultAck().getDisposition())
        .isEqualTo(ResultDisposition.RECORDED);
    assertThat(sink.expect(HubMessage.BodyCase.RESULT_ACK).getResultAck().getDisposition())
        .isEqualTo(ResultDisposition.DUPLICATE);
    Task done = task(t.getTaskId());
    assertThat(done.getState()).isEqualTo(TaskState.WARNING);
    assertThat(done.getMessagesList()).containsExactly("first");
  }

  @Test
  void heartbeatsRenewLeasesAndRevokeAttemptsTheSinkNoLongerOwns() {
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(2);
    sink.credit(1);
    Task t = hub.submit(BASE);
    TaskRef ref = sink.takeOffer();
    for (int i = 0; i < 5; i++) { // 50 s in all, well past the 30 s TTL
      hub.tick(Duration.ofSeconds(10));
      sink.heartbeat(ref);
      assertThat(sink.expect(HubMessage.BodyCase.HEARTBEAT_ACK).getHeartbeatAck().getRevokedList())
          .isEmpty();
    }
    assertThat(task(t.getTaskId()).getState()).isEqualTo(TaskState.LEASED);
    TaskRef bogus = TaskRef.newBuilder().setTaskId(t.getTaskId()).setAttempt(7).build();
    sink.heartbeat(ref, bogus);
    assertThat(sink.expect(HubMessage.BodyCase.HEARTBEAT_ACK).getHeartbeatAck().getRevokedList())
        .containsExactly(bogus);
  }

  @Test
  void aTaskWhoseLeasesKeepExpiringEndsErrorAfterMaxAttempts() {
    Task t =
        hub.admin.submitTask(
            SubmitTaskRequest.newBuilder()
                .setSinkType(BASE)
                .setModule("m")
                .setMaxAttempts(2)
                .build());
    for (int i = 0; i < 2; i++) {
      ScriptedSink sink = hub.sink(BASE);
      sink.hello(1);
      sink.credit(1);
      sink.takeOffer();
      sink.drop();
      hub.tick(hub.config.leaseTtl().plusMillis(1));
    }
    Task done = task(t.getTaskId());
    assertThat(done.getState()).isEqualTo(TaskState.ERROR);
    assertThat(done.getMessages(0)).contains("gave up after 2 attempt(s)");
  }

  @Test
  void aReleasedTaskIsRequeuedWithTheNextAttemptAndDoesNotCountWhenItNeverStarted() {
    Task t =
        hub.admin.submitTask(
            SubmitTaskRequest.newBuilder()
                .setSinkType(BASE)
                .setModule("m")
                .setMaxAttempts(1)
                .build());
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(1);
    sink.credit(1);
    TaskRef ref = sink.takeOffer();
    sink.release(ref, false);
    assertThat(sink.expect(HubMessage.BodyCase.RESULT_ACK).getResultAck().getDisposition())
        .isEqualTo(ResultDisposition.RELEASED);
    Task requeued = task(t.getTaskId());
    assertThat(requeued.getState()).isEqualTo(TaskState.QUEUED);
    assertThat(requeued.getAttempt()).isEqualTo(2);
  }

  @Test
  void aSinkThatResumesWithoutALeaseItHeldHasThatTaskRequeuedAtOnce() {
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(1);
    sink.credit(1);
    Task t = hub.submit(BASE);
    sink.takeOffer();
    sink.drop();
    sink.hello(1); // same process (same uuid), holds nothing
    Task requeued = task(t.getTaskId());
    assertThat(requeued.getState()).isEqualTo(TaskState.QUEUED);
    assertThat(requeued.getAttempt()).isEqualTo(2);
  }

  @Test
  void aSilentSessionIsClosedAndItsOffersRequeued() {
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(1);
    sink.credit(1);
    Task t = hub.submit(BASE);
    sink.expect(HubMessage.BodyCase.OFFER);
    hub.tick(hub.config.heartbeatInterval().multipliedBy(3).plusMillis(1));
    assertThat(sink.closedWith().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
    assertThat(sink.closedWith().getDescription()).contains("no message from the sink");
    assertThat(task(t.getTaskId()).getState()).isEqualTo(TaskState.QUEUED);
  }

  @Test
  void aPausedHubMovesOfferLeaseAndSilenceDeadlinesOutInsteadOfBlamingItsSinks() {
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(2);
    sink.credit(1);
    Task running = hub.submit(BASE);
    TaskRef ref = sink.takeOffer();
    sink.started(ref);
    sink.credit(1);
    Task offered = hub.submit(BASE);
    sink.expect(HubMessage.BodyCase.OFFER);

    // The Hub stood still for longer than every deadline it keeps for this sink.
    Duration pause = hub.config.leaseTtl().plusSeconds(1);
    hub.clock.advance(pause);
    hub.core().forgivePause(pause.toMillis());
    hub.tick(Duration.ofMillis(1));

    assertThat(sink.closedWith()).as("the session is not blamed for the pause").isNull();
    assertThat(task(running.getTaskId()).getState()).isEqualTo(TaskState.RUNNING);
    assertThat(task(running.getTaskId()).getAttempt()).isEqualTo(1);
    assertThat(task(offered.getTaskId()).getState()).isEqualTo(TaskState.OFFERED);

    // The deadlines moved, they did not vanish: real silence after the pause still counts.
    hub.tick(hub.config.leaseTtl().plusMillis(1));
    assertThat(sink.closedWith()).isNotNull();
    Task expired = task(running.getTaskId());
    assertThat(expired.getState()).isEqualTo(TaskState.QUEUED);
    assertThat(expired.getAttempt()).isEqualTo(2);
  }
}
