package io.nexomatic.sink.tracing;

import static io.nexomatic.protocol.tracing.TraceAttributes.ATTEMPT;
import static io.nexomatic.protocol.tracing.TraceAttributes.OUTCOME;
import static io.nexomatic.protocol.tracing.TraceAttributes.RESULT_CODE;
import static io.nexomatic.protocol.tracing.TraceAttributes.SINK_TYPE;
import static io.nexomatic.protocol.tracing.TraceAttributes.SINK_UUID;
import static io.nexomatic.protocol.tracing.TraceAttributes.TASK_ID;

import io.nexomatic.protocol.tracing.TraceContexts;
import io.nexomatic.protocol.v1.Release;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.TaskOffer;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.protocol.v1.TraceContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The spans of one attempt on the sink, each a child of the Hub's offer (the result span of the
 * run): accept (offer to LeaseGrant), run (process start to outcome), log (first output to the Hub
 * holding the whole log) and result or release (sent to ResultAck). One span covers the whole log
 * rather than one per chunk, so a chatty task does not flood the collector.
 *
 * <p>Used on the session's loop only, like the attempt it belongs to. Every method may be called in
 * any state: a step that does not apply (a second end, a log after the result) changes nothing.
 */
public final class AttemptTrace {
  /** What the Hub answered a result or release with. */
  static final AttributeKey<String> DISPOSITION =
      AttributeKey.stringKey("nexomatic.result_disposition");

  /** Bytes of the attempt's log forwarded on the log stream. */
  static final AttributeKey<Long> LOG_BYTES = AttributeKey.longKey("nexomatic.log_bytes");

  private final Tracer tracer;
  private final TaskOffer offer;
  private final String sinkUuid;
  private final Context offered;
  private final Span accept;
  private Span run;
  private Span log;
  private long logBytes;
  private Span report;

  AttemptTrace(Tracer tracer, TaskOffer offer, String sinkUuid) {
    this.tracer = tracer;
    this.offer = offer;
    this.sinkUuid = sinkUuid;
    this.offered = TraceContexts.parent(offer.getTraceContext());
    this.accept = start("nexomatic.sink.accept", offered, SpanKind.CONSUMER);
  }

  /** The accept span's context, for the Accept message. */
  public TraceContext accepting() {
    return TraceContexts.of(accept);
  }

  /** The Hub granted the lease. */
  public void leased() {
    accept.setAttribute(OUTCOME, "leased").end();
  }

  /** The Hub denied the lease; the attempt ends here. */
  public void denied(String reason) {
    accept.setAttribute(OUTCOME, "lease denied: " + reason).end();
  }

  /** The executor started the attempt's process: starts the run span and returns its context. */
  public TraceContext started() {
    if (run == null) {
      run = start("nexomatic.sink.run", offered, SpanKind.INTERNAL);
    }
    return TraceContexts.of(run);
  }

  /** {@code bytes} of output went to the log buffer: the first output starts the log span. */
  public void logged(int bytes) {
    if (log == null && bytes == 0) {
      return; // an end-of-log marker of an attempt that printed nothing: there is no log to trace
    }
    if (log == null) {
      log = start("nexomatic.sink.log", parentOfLater(), SpanKind.PRODUCER);
    }
    logBytes += bytes;
  }

  /** The Hub holds the attempt's whole log, or wants none of it. */
  public void logDelivered() {
    if (log != null && log.isRecording()) { // acknowledgements may repeat once it is complete
      log.setAttribute(LOG_BYTES, logBytes).end();
    }
  }

  /** The attempt ended with {@code result}: ends the run span and starts the result span. */
  public TraceContext reported(TaskResult result) {
    if (run != null) {
      run.setAttribute(OUTCOME, result.getState().name())
          .setAttribute(RESULT_CODE, (long) result.getResultCode());
      if (result.getState() == TaskState.ERROR) {
        run.setStatus(StatusCode.ERROR, String.join("; ", result.getMessagesList()));
      }
      run.end();
    }
    report = start("nexomatic.sink.result", parentOfLater(), SpanKind.PRODUCER);
    report.setAttribute(OUTCOME, result.getState().name());
    return TraceContexts.of(report);
  }

  /** The attempt is handed back to the Hub: ends the run span and starts the release span. */
  public TraceContext released(Release release) {
    if (run != null) {
      run.setAttribute(OUTCOME, "released: " + release.getReason()).end();
    }
    report = start("nexomatic.sink.release", parentOfLater(), SpanKind.PRODUCER);
    report.setAttribute(OUTCOME, release.getReason());
    return TraceContexts.of(report);
  }

  /** The Hub acknowledged the result or release with {@code disposition}. */
  public void acknowledged(ResultDisposition disposition) {
    if (report != null) {
      report.setAttribute(DISPOSITION, disposition.name()).end();
    }
  }

  /**
   * The sink no longer holds the attempt (delivered, fenced, revoked, the sink stops): whatever is
   * still open ends, marked with {@code why} when it did not end on its own.
   */
  public void ended(String why) {
    for (Span s : new Span[] {accept, run, log, report}) {
      if (s != null && s.isRecording()) {
        s.setAttribute(OUTCOME, why).end();
      }
    }
  }

  /** The run span once there is one: the log and the result follow from the run. */
  private Context parentOfLater() {
    return run != null ? offered.with(run) : offered;
  }

  private Span start(String name, Context parent, SpanKind kind) {
    return tracer
        .spanBuilder(name)
        .setSpanKind(kind)
        .setParent(parent)
        .setAttribute(TASK_ID, offer.getTask().getTaskId())
        .setAttribute(ATTEMPT, (long) offer.getTask().getAttempt())
        .setAttribute(SINK_TYPE, offer.getSinkType())
        .setAttribute(SINK_UUID, sinkUuid)
        .startSpan();
  }
}
