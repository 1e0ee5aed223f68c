package io.nexomatic.protocol.tracing;

import io.nexomatic.protocol.v1.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;

/**
 * Moves a span's context into and out of the protocol's {@link TraceContext} field. Always W3C
 * Trace Context, whatever propagators a process configures, because the field is part of the wire
 * contract (docs/protocol.md): a Hub and a sink built with different settings still understand each
 * other.
 */
public final class TraceContexts {
  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final String TRACEPARENT = "traceparent";
  private static final String TRACESTATE = "tracestate";

  private static final TextMapSetter<TraceContext.Builder> SETTER =
      (carrier, key, value) -> {
        if (carrier == null) {
          return;
        }
        if (TRACEPARENT.equals(key)) {
          carrier.setTraceparent(value);
        } else if (TRACESTATE.equals(key)) {
          carrier.setTracestate(value);
        }
      };

  private static final TextMapGetter<TraceContext> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TraceContext carrier) {
          return List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(TraceContext carrier, String key) {
          if (carrier == null) {
            return null;
          }
          String value =
              switch (key) {
                case TRACEPARENT -> carrier.getTraceparent();
                case TRACESTATE -> carrier.getTracestate();
                default -> "";
              };
          return value.isEmpty() ? null : value;
        }
      };

  private TraceContexts() {}

  /** The carrier of {@code span}'s context; empty when the span is not valid (tracing is off). */
  public static TraceContext of(Span span) {
    TraceContext.Builder b = TraceContext.newBuilder();
    if (span.getSpanContext().isValid()) {
      W3C.inject(Context.root().with(span), b, SETTER);
    }
    return b.build();
  }

  /**
   * A context whose current span is the one {@code carrier} names, for a child span's parent; the
   * root context when the carrier is empty or not valid W3C.
   */
  public static Context parent(TraceContext carrier) {
    return W3C.extract(Context.root(), carrier, GETTER);
  }

  /** Whether {@code carrier} names a span (a parent worth preferring over another). */
  public static boolean isPresent(TraceContext carrier) {
    return Span.fromContext(parent(carrier)).getSpanContext().isValid();
  }
}
