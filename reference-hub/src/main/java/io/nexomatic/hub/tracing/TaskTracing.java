package io.nexomatic.hub.tracing;

import static io.nexomatic.protocol.tracing.TraceAttributes.ATTEMPT;
import static io.nexomatic.protocol.tracing.TraceAttributes.OUTCOME;
import static io.nexomatic.protocol.tracing.TraceAttributes.RESULT_CODE;
import static io.nexomatic.protocol.tracing.TraceAttributes.SINK_TYPE;
import static io.nexomatic.protocol.tracing.TraceAttributes.SINK_UUID;
import static io.nexomatic.protocol.tracing.TraceAttributes.TASK_ID;

import io.nexomatic.hub.HubVersion;
import io.nexomatic.protocol.tracing.TraceContexts;
import io.nexomatic.protocol.v1.TraceContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;

/**
 * The Hub's spans of a task. Each marks one step the Hub took (submit, offer, lease, an attempt
 * ending, the end state) and ends at once: the Hub holds no open span between messages, so a task
 * that outlives a Hub restart still continues its trace from the context stored with it. Every span
 * descends from the submit span, whose context the task keeps (Task.trace_context), and carries the
 * attempt it belongs to.
 *
 * <p>Takes plain values rather than the task table's records, so this package depends on nothing of
 * the core. Called under the core's lock; span creation does not block.
 */
public final class TaskTracing {
  private final Tracer tracer;

  /** Spans from {@code openTelemetry}; its no-op records nothing and costs next to nothing. */
  public TaskTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("io.nexomatic.hub", HubVersion.VERSION);
  }

  /**
   * A task was accepted for the queue: its submit span, a child of the submitter's context when it
   * sent one. Returns the context to store with the task.
   */
  public TraceContext submitted(TraceContext submitter, String taskId, String sinkType) {
    Span span =
        child("nexomatic.hub.submit", submitter, SpanKind.SERVER)
            .setAttribute(TASK_ID, taskId)
            .setAttribute(SINK_TYPE, sinkType)
            .startSpan();
    span.end();
    return TraceContexts.of(span);
  }

  /**
   * An attempt is offered to a sink. Returns the context the offer carries: the sink's spans for
   * the attempt are its children.
   */
  public TraceContext offered(TraceContext task, String taskId, int attempt, String sinkUuid) {
    Span span =
        attempt(child("nexomatic.hub.offer", task, SpanKind.PRODUCER), taskId, attempt)
            .setAttribute(SINK_UUID, sinkUuid)
            .startSpan();
    span.end();
    return TraceContexts.of(span);
  }

  /** The sink accepted and the attempt is leased to it; a child of the sink's accept span. */
  public void leased(
      TraceContext accept, TraceContext task, String taskId, int attempt, String sinkUuid) {
    attempt(child("nexomatic.hub.lease", either(accept, task), SpanKind.CONSUMER), taskId, attempt)
        .setAttribute(SINK_UUID, sinkUuid)
        .startSpan()
        .end();
  }

  /**
   * An attempt ended without a result (its lease lapsed, the sink released it); what follows is the
   * next attempt's offer, or the task's end when it may not try again.
   */
  public void attemptEnded(TraceContext task, String taskId, int attempt, String outcome) {
    attempt(child("nexomatic.hub.attempt_ended", task, SpanKind.INTERNAL), taskId, attempt)
        .setAttribute(OUTCOME, outcome)
        .startSpan()
        .end();
  }

  /**
   * The task reached its end state: a child of the sink's result span when a sink result ended it,
   * else of the task (cancelled, attempts exhausted, backstop).
   */
  public void finished(
      TraceContext result,
      TraceContext task,
      String taskId,
      int attempt,
      String state,
      int resultCode) {
    attempt(child("nexomatic.hub.result", either(result, task), SpanKind.CONSUMER), taskId, attempt)
        .setAttribute(OUTCOME, state)
        .setAttribute(RESULT_CODE, (long) resultCode)
        .startSpan()
        .end();
  }

  private SpanBuilder child(String name, TraceContext parent, SpanKind kind) {
    SpanBuilder b = tracer.spanBuilder(name).setSpanKind(kind);
    // Never the thread's current context: the Hub's spans follow the task, not the caller.
    return TraceContexts.isPresent(parent)
        ? b.setParent(TraceContexts.parent(parent))
        : b.setNoParent();
  }

  private static SpanBuilder attempt(SpanBuilder b, String taskId, int attempt) {
    return b.setAttribute(TASK_ID, taskId).setAttribute(ATTEMPT, (long) attempt);
  }

  private static TraceContext either(TraceContext preferred, TraceContext fallback) {
    return TraceContexts.isPresent(preferred) ? preferred : fallback;
  }
}
