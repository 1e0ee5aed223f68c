package io.nexomatic.hub.core;

import io.nexomatic.hub.HubConfig;
import io.nexomatic.protocol.v1.AttemptRecord;
import io.nexomatic.protocol.v1.ResultAck;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a sink's result is worth: recorded once for the current attempt of a task leased to
 * that sink, a duplicate of one already recorded, or refused as stale (fenced) or not leased.
 * Guarded by {@link HubCore}'s lock.
 */
final class ResultJudge {
  private static final Logger log = LoggerFactory.getLogger(ResultJudge.class);

  private final HubConfig config;
  private final TaskTable table;
  private final TaskLifecycle lifecycle;

  ResultJudge(HubConfig config, TaskTable table, TaskLifecycle lifecycle) {
    this.config = config;
    this.table = table;
    this.lifecycle = lifecycle;
  }

  /** Records the result when it is the current attempt's, and says what became of it. */
  ResultAck judge(Session s, TaskResult result) {
    ResultAck.Builder ack = ResultAck.newBuilder().setTask(result.getTask());
    TaskRef ref = result.getTask();
    TaskRecord t = table.get(ref.getTaskId());
    if (t == null) {
      return ack.setDisposition(ResultDisposition.REJECTED)
          .setDetail("unknown task id '" + ref.getTaskId() + "'")
          .build();
    }
    if (ref.getAttempt() != t.attempt) {
      return ack.setDisposition(
              ref.getAttempt() < t.attempt && recordedAttempt(t, ref.getAttempt())
                  ? ResultDisposition.DUPLICATE
                  : ResultDisposition.STALE_ATTEMPT)
          .setDetail(
              "attempt "
                  + ref.getAttempt()
                  + " is not current: the task is at attempt "
                  + t.attempt
                  + " ("
                  + t.state()
                  + "); the older attempt was fenced when its lease ended")
          .build();
    }
    if (t.isTerminal()) {
      return ack.setDisposition(ResultDisposition.DUPLICATE)
          .setDetail("task already ended " + t.state() + " for attempt " + t.attempt)
          .build();
    }
    if (t.state() == TaskState.OFFERED) {
      return ack.setDisposition(ResultDisposition.REJECTED)
          .setDetail(
              "task "
                  + t.id
                  + " attempt "
                  + t.attempt
                  + " is OFFERED, not leased: Accept it and wait for LeaseGrant before running"
                  + " it")
          .build();
    }
    if (!t.isHeld() || !t.sinkUuid().equals(s.sink.uuid)) {
      return ack.setDisposition(ResultDisposition.REJECTED)
          .setDetail("task " + t.id + " is not leased to this sink")
          .build();
    }
    record(t, result);
    return ack.setDisposition(ResultDisposition.RECORDED).build();
  }

  private void record(TaskRecord t, TaskResult result) {
    List<String> messages = capMessages(result.getMessagesList());
    if (t.cancelRequested && result.getState() != TaskState.ERROR) {
      // The task finished before the cancel reached it: its real outcome wins.
      log.info("task {} finished {} despite a cancel request", t.id, result.getState());
    }
    t.dataJson = result.getDataJson();
    t.logForwardedBytes = result.hasLog() ? result.getLog().getForwardedBytes() : -1;
    if (result.getStartedAtMs() != 0) {
      t.startedAt = result.getStartedAtMs();
    }
    AttemptRecord.Builder h = t.currentAttemptRecord();
    if (h != null) {
      h.setStarted(true);
    }
    lifecycle.finish(
        t,
        result.getState(),
        result.getResultCode(),
        messages,
        result.getFinishedAtMs(),
        result.getTraceContext());
  }

  private static boolean recordedAttempt(TaskRecord t, int attempt) {
    return t.history.stream()
        .anyMatch(h -> h.getAttempt() == attempt && isOutcomeName(h.getOutcome()));
  }

  private static boolean isOutcomeName(String outcome) {
    return outcome.equals("SUCCESS") || outcome.equals("WARNING") || outcome.equals("ERROR");
  }

  private List<String> capMessages(List<String> in) {
    List<String> out = new ArrayList<>();
    for (String m : in) {
      if (out.size() == config.maxResultMessages()) {
        out.add("… " + (in.size() - out.size()) + " more messages dropped by the Hub's limit");
        break;
      }
      byte[] bytes = m.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > config.maxResultMessageBytes()) {
        String cut =
            new String(bytes, 0, config.maxResultMessageBytes(), StandardCharsets.UTF_8)
                .replaceAll("\uFFFD+$", "");
        out.add(cut + "… (truncated)");
      } else {
        out.add(m);
      }
    }
    return out;
  }
}
