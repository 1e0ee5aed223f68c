package io.nexomatic.hub.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusException;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.auth.Principal;
import io.nexomatic.hub.testing.FlakyJournal;
import io.nexomatic.hub.testing.MutableClock;
import io.nexomatic.protocol.v1.Accept;
import io.nexomatic.protocol.v1.Decline;
import io.nexomatic.protocol.v1.Heartbeat;
import io.nexomatic.protocol.v1.HeldTask;
import io.nexomatic.protocol.v1.Hello;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.Release;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskStarted;
import io.nexomatic.protocol.v1.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of submit / offer / accept / decline / start / result / release / heartbeat /
 * drop / resume / lapse / cancel, with the journal's disk filling up and freeing again, straight
 * against the core: after every step each task sits in exactly the indexes its state names and the
 * Hub's memory equals what the journal holds (offers aside), so nothing is acknowledged that a
 * restart would not restore; over a whole run no result is recorded twice and no task is lost
 * (every task submitted ends once the disk has room and the sinks behave).
 */
class TaskTablePropertyTest {
  private static final long FIRST_SEED = 20261202L;
  private static final int RUNS = 300;
  private static final int STEPS = 250;
  private static final String TYPE = "LOCAL:BASE";
  private static final String DISK_FULL = "No space left on device";
  private static final Principal.SinkClient PRINCIPAL =
      new Principal.SinkClient(TYPE, Optional.empty());

  @Test
  void randomSequencesKeepEveryTaskInExactlyOnePlaceAndRecordEachResultOnce() {
    for (long seed = FIRST_SEED; seed < FIRST_SEED + RUNS; seed++) {
      new Run(seed).play();
    }
  }

  /** One fake sink process: its uuid, its current session, and what it believes it holds. */
  private static final class FakeSink implements SessionHandle {
    final String uuid;
    final List<HubMessage> inbox = new ArrayList<>();
    final List<TaskRef> offers = new ArrayList<>();
    final Set<TaskRef> held = new LinkedHashSet<>();
    final List<TaskResult> sent = new ArrayList<>();
    Session session;

    FakeSink(String uuid) {
      this.uuid = uuid;
    }

    @Override
    public void send(HubMessage m) {
      inbox.add(m);
      switch (m.getBodyCase()) {
        case OFFER -> offers.add(m.getOffer().getTask());
        case LEASE_GRANTED -> held.add(m.getLeaseGranted().getTask());
        case HEARTBEAT_ACK -> m.getHeartbeatAck().getRevokedList().forEach(held::remove);
        case CANCEL -> held.remove(m.getCancel().getTask());
        default -> {}
      }
    }

    @Override
    public void close(Status status) {
      session = null;
    }
  }

  /** One message a sink sends on its session. */
  @FunctionalInterface
  private interface SessionCall {
    void run(Session s) throws StatusException;
  }

  private static final class Run {
    final long seed;
    final Random random;
    final MutableClock clock = new MutableClock();
    final FlakyJournal journal = new FlakyJournal();
    final HubCore core;
    final List<FakeSink> sinks = new ArrayList<>();
    final List<String> submitted = new ArrayList<>();
    final Map<String, Integer> recorded = new HashMap<>();
    final List<String> trace = new ArrayList<>();

    Run(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
      HubConfig config =
          HubConfig.builder()
              .heartbeatInterval(Duration.ofSeconds(5))
              .leaseTtl(Duration.ofSeconds(30))
              .offerTimeout(Duration.ofSeconds(10))
              .tickInterval(Duration.ofHours(1))
              .clock(clock)
              .build();
      core = new HubCore(config, journal);
      for (int i = 0; i < 3; i++) {
        sinks.add(new FakeSink("sink-" + i));
      }
    }

    void play() {
      for (int step = 0; step < STEPS; step++) {
        String op = step();
        trace.add(op);
        check(op);
      }
      settle();
      Map<TaskState, Long> counts = core.countByState();
      long ended =
          counts.getOrDefault(TaskState.SUCCESS, 0L)
              + counts.getOrDefault(TaskState.WARNING, 0L)
              + counts.getOrDefault(TaskState.ERROR, 0L);
      assertThat(ended).as(context("every submitted task ended")).isEqualTo(submitted.size());
    }

    private String step() {
      FakeSink sink = sinks.get(random.nextInt(sinks.size()));
      int op = random.nextInt(16);
      switch (op) {
        case 14 -> {
          journal.failWith(DISK_FULL);
          return "disk full";
        }
        case 15 -> {
          journal.recover();
          return "disk freed";
        }
        case 0, 1 -> {
          submit();
          return "submit";
        }
        case 2 -> {
          connect(sink, random.nextInt(4) == 0);
          return "connect " + sink.uuid;
        }
        case 3 -> {
          if (sink.session != null) {
            core.closeSession(sink.session, "dropped");
            sink.session = null;
          }
          return "drop " + sink.uuid;
        }
        case 4, 5 -> {
          int credits = 1 + random.nextInt(3);
          call(sink, "credit", s -> core.onCredit(s, credits));
          return "credit " + sink.uuid;
        }
        case 6 -> {
          TaskRef ref = pick(sink.offers);
          if (ref != null) {
            call(sink, "accept", s -> core.onAccept(s, Accept.newBuilder().setTask(ref).build()));
          }
          return "accept " + sink.uuid + " " + ref;
        }
        case 7 -> {
          TaskRef ref = pick(sink.offers);
          if (ref != null) {
            call(
                sink, "decline", s -> core.onDecline(s, Decline.newBuilder().setTask(ref).build()));
          }
          return "decline " + sink.uuid;
        }
        case 8 -> {
          TaskRef ref = pick(new ArrayList<>(sink.held));
          if (ref != null) {
            call(
                sink,
                "start",
                s -> core.onStarted(s, TaskStarted.newBuilder().setTask(ref).build()));
          }
          return "start " + sink.uuid;
        }
        case 9 -> {
          result(sink);
          return "result " + sink.uuid;
        }
        case 10 -> {
          TaskRef ref = pick(new ArrayList<>(sink.held));
          if (ref != null
              && call(
                  sink,
                  "release",
                  s -> core.onRelease(s, Release.newBuilder().setTask(ref).build()))) {
            sink.held.remove(ref);
          }
          return "release " + sink.uuid;
        }
        case 11 -> {
          heartbeat(sink);
          return "heartbeat " + sink.uuid;
        }
        case 12 -> {
          long ms = 1 + random.nextInt(40_000);
          clock.advance(Duration.ofMillis(ms));
          core.tick();
          return "lapse " + ms + " ms";
        }
        default -> {
          String id = pick(submitted);
          if (id != null) {
            try {
              core.cancel(id, "");
            } catch (StatusException e) {
              expectRefusal("cancel", e);
            }
          }
          return "cancel " + id;
        }
      }
    }

    private void submit() {
      try {
        submitted.add(
            core.submit(
                    SubmitTaskRequest.newBuilder()
                        .setSinkType(TYPE)
                        .setModule("demo.run")
                        .setMaxAttempts(1 + random.nextInt(3))
                        .setTimeoutSeconds(random.nextBoolean() ? 0 : 20)
                        .build())
                .getTaskId());
      } catch (StatusException e) {
        expectRefusal("submit", e);
      }
    }

    /** (Re)connects; a sink that lost its state resumes nothing, else everything it holds. */
    private void connect(FakeSink sink, boolean forgetsHeld) {
      if (forgetsHeld) {
        sink.held.clear();
      }
      Hello.Builder hello =
          Hello.newBuilder().setSinkUuid(sink.uuid).setSinkType(TYPE).setConcurrency(3);
      sink.held.forEach(ref -> hello.addResume(HeldTask.newBuilder().setTask(ref)));
      try {
        sink.session = core.open(hello.build(), PRINCIPAL, sink);
      } catch (StatusException e) {
        expectRefusal("open", e);
        sink.session = null;
        return;
      }
      sink.inbox.stream()
          .filter(m -> m.getBodyCase() == HubMessage.BodyCase.WELCOME)
          .reduce((a, b) -> b)
          .ifPresent(
              w ->
                  w.getWelcome()
                      .getResumeDecisionsList()
                      .forEach(
                          d -> {
                            if (d.getVerdict() != io.nexomatic.protocol.v1.ResumeVerdict.KEEP) {
                              sink.held.remove(d.getTask());
                            }
                          }));
      sink.offers.clear();
    }

    /** Sends a result for something it holds, or now and then re-sends an old one. */
    private void result(FakeSink sink) {
      if (sink.session == null) {
        return;
      }
      TaskResult r;
      boolean resend = !sink.sent.isEmpty() && random.nextInt(4) == 0;
      if (resend) {
        r = pick(sink.sent);
      } else {
        TaskRef ref = pick(new ArrayList<>(sink.held));
        if (ref == null) {
          return;
        }
        TaskState[] ends = {TaskState.SUCCESS, TaskState.WARNING, TaskState.ERROR};
        r =
            TaskResult.newBuilder()
                .setTask(ref)
                .setState(ends[random.nextInt(ends.length)])
                .build();
        sink.sent.add(r);
        sink.held.remove(ref);
      }
      int before = sink.inbox.size();
      if (!call(sink, "result", s -> core.onResult(s, r))) {
        // Not acknowledged: the sink still holds the task and will report it again.
        assertThat(sink.inbox.size())
            .as(context("no ResultAck for a refused result"))
            .isEqualTo(before);
        if (!resend) {
          sink.sent.remove(r);
          sink.held.add(r.getTask());
        }
        return;
      }
      HubMessage ack = sink.inbox.get(sink.inbox.size() - 1);
      assertThat(sink.inbox.size()).as(context("one ResultAck per result")).isEqualTo(before + 1);
      if (ack.getResultAck().getDisposition() == ResultDisposition.RECORDED) {
        int times = recorded.merge(r.getTask().getTaskId(), 1, Integer::sum);
        assertThat(times).as(context("results recorded for " + r.getTask())).isEqualTo(1);
      }
    }

    private void heartbeat(FakeSink sink) {
      Heartbeat hb = Heartbeat.newBuilder().addAllHeld(new ArrayList<>(sink.held)).build();
      call(sink, "heartbeat", s -> core.onHeartbeat(s, hb));
    }

    /** Well-behaved sinks and passing time end every task: none may be lost in the table. */
    private void settle() {
      journal.recover();
      for (int round = 0; round < 200 && unfinished() > 0; round++) {
        for (FakeSink sink : sinks) {
          if (sink.session == null) {
            connect(sink, false);
          }
          call(sink, "credit", s -> core.onCredit(s, 3));
          for (TaskRef ref : new ArrayList<>(sink.offers)) {
            call(sink, "accept", s -> core.onAccept(s, Accept.newBuilder().setTask(ref).build()));
          }
          sink.offers.clear();
          for (TaskRef ref : new ArrayList<>(sink.held)) {
            TaskResult r = TaskResult.newBuilder().setTask(ref).setState(TaskState.SUCCESS).build();
            if (call(sink, "result", s -> core.onResult(s, r))) {
              sink.held.remove(ref);
            }
          }
          check("settle");
        }
        clock.advance(Duration.ofSeconds(31));
        core.tick();
      }
    }

    private long unfinished() {
      Map<TaskState, Long> counts = core.countByState();
      return counts.getOrDefault(TaskState.QUEUED, 0L)
          + counts.getOrDefault(TaskState.OFFERED, 0L)
          + counts.getOrDefault(TaskState.LEASED, 0L)
          + counts.getOrDefault(TaskState.RUNNING, 0L);
    }

    private void check(String op) {
      try {
        core.checkConsistent();
      } catch (IllegalStateException e) {
        throw new AssertionError(context("after " + op + ": " + e.getMessage()), e);
      }
      long total = core.countByState().values().stream().mapToLong(Long::longValue).sum();
      assertThat(total).as(context("tasks known after " + op)).isEqualTo(submitted.size());
      List<Task> inMemory = core.snapshots().stream().map(Run::asStored).toList();
      List<Task> stored = journal.storedTasks().stream().map(Run::asStored).toList();
      assertThat(inMemory).as(context("memory equals the journal after " + op)).isEqualTo(stored);
    }

    /** A snapshot as the journal keeps it: an offer is not written, so it reads as queued. */
    private static Task asStored(Task t) {
      Task.Builder b = t.toBuilder().clearUpdatedAtMs();
      if (t.getState() == TaskState.OFFERED) {
        b.setState(TaskState.QUEUED);
      }
      return b.build();
    }

    /**
     * A sink's call on its session; a call the Hub refuses ends the session, as its stream would.
     */
    private boolean call(FakeSink sink, String what, SessionCall call) {
      if (sink.session == null) {
        return false;
      }
      try {
        call.run(sink.session);
        return true;
      } catch (StatusException e) {
        expectRefusal(what, e);
        core.closeSession(sink.session, "stream failed: " + e.getStatus());
        sink.session = null;
        return false;
      }
    }

    /** Only a failing journal may refuse, and the refusal names its cause. */
    private void expectRefusal(String what, StatusException e) {
      assertThat(journal.failing())
          .as(context(what + " refused while the disk has room: " + e))
          .isTrue();
      assertThat(e.getStatus().getCode())
          .as(context(what + " refusal code"))
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(e.getStatus().getDescription()).as(context(what + " refusal")).contains(DISK_FULL);
    }

    private <T> T pick(List<T> from) {
      return from.isEmpty() ? null : from.get(random.nextInt(from.size()));
    }

    private String context(String what) {
      int from = Math.max(0, trace.size() - 12);
      return what + " (seed " + seed + ", last steps " + trace.subList(from, trace.size()) + ")";
    }
  }
}
