package io.nexomatic.sink.session;

import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.TaskStarted;
import io.nexomatic.protocol.v1.TraceContext;
import io.nexomatic.sink.exec.RunningTask;
import io.nexomatic.sink.exec.TaskExecutor;
import io.nexomatic.sink.exec.TaskOutcome;
import io.nexomatic.sink.exec.TaskSpec;
import java.util.function.BiConsumer;

/**
 * Starts leased attempts while the sink has free slots: the process, its output into the log
 * stream, the TaskStarted report and the attempt's run span. Runs on the session's loop; what each
 * outcome means stays {@link HubSession}'s to decide.
 */
final class AttemptStarter {
  private final int concurrency;
  private final TaskExecutor executor;
  private final SessionLoop loop;
  private final AttemptLedger ledger;
  private final ControlChannel control;
  private final LogChannel logs;
  private final BiConsumer<Attempt, TaskOutcome> finished;

  /** {@code finished} sees each started attempt's outcome, on the loop. */
  AttemptStarter(
      int concurrency,
      TaskExecutor executor,
      SessionLoop loop,
      AttemptLedger ledger,
      ControlChannel control,
      LogChannel logs,
      BiConsumer<Attempt, TaskOutcome> finished) {
    this.concurrency = concurrency;
    this.executor = executor;
    this.loop = loop;
    this.ledger = ledger;
    this.control = control;
    this.logs = logs;
    this.finished = finished;
  }

  /** Starts waiting attempts in arrival order until every slot is taken. */
  void startWaiting() {
    int running = ledger.slotsInUse();
    for (Attempt a : ledger.where(a -> a.is(Attempt.State.WAITING))) {
      if (running >= concurrency) {
        return;
      }
      running++;
      TraceContext run = a.trace.started(); // before the spawn, which the run span includes
      RunningTask task =
          executor.start(
              TaskSpec.fromOffer(a.offer),
              chunk ->
                  loop.post(
                      () -> {
                        if (ledger.holds(a)) { // a fenced attempt's output is not wanted
                          logs.append(a, chunk);
                        }
                      }));
      a.started(task);
      control.send(
          SinkMessage.newBuilder()
              .setStarted(
                  TaskStarted.newBuilder()
                      .setTask(a.ref)
                      .setStartedAtMs(task.startedAt().toEpochMilli())
                      .setTraceContext(run)));
      task.outcome().thenAccept(o -> loop.post(() -> finished.accept(a, o)));
    }
  }
}
