package io.nexomatic.operator.scaling;

import io.nexomatic.operator.model.SinkFleet;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;

/**
 * One span per scale decision that changes a Backlog fleet's count: which fleet, from, to and why.
 * Each is a trace of its own (a decision follows from many tasks, none of which it belongs to).
 */
public final class ScaleTracing {
  static final AttributeKey<String> FLEET = AttributeKey.stringKey("nexomatic.fleet");
  static final AttributeKey<String> NAMESPACE = AttributeKey.stringKey("k8s.namespace.name");
  static final AttributeKey<Long> FROM = AttributeKey.longKey("nexomatic.replicas.from");
  static final AttributeKey<Long> TO = AttributeKey.longKey("nexomatic.replicas.to");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("nexomatic.scale.reason");
  static final AttributeKey<String> MESSAGE = AttributeKey.stringKey("nexomatic.scale.message");

  private final Tracer tracer;

  /** Spans from {@code openTelemetry}; its no-op records nothing. */
  public ScaleTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("io.nexomatic.operator");
  }

  /** The count of {@code fleet} goes from {@code from} to {@code to}, for {@code reason}. */
  void scaled(SinkFleet fleet, int from, int to, String reason, String message) {
    SpanBuilder span = tracer.spanBuilder("nexomatic.operator.scale").setNoParent();
    if (fleet.getMetadata().getNamespace() != null) {
      span.setAttribute(NAMESPACE, fleet.getMetadata().getNamespace());
    }
    span.setAttribute(FLEET, fleet.getMetadata().getName())
        .setAttribute(FROM, (long) from)
        .setAttribute(TO, (long) to)
        .setAttribute(REASON, reason)
        .setAttribute(MESSAGE, message)
        .startSpan()
        .end();
  }
}
