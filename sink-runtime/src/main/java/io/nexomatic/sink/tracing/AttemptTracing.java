package io.nexomatic.sink.tracing;

import io.nexomatic.protocol.v1.TaskOffer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

/**
 * The sink's tracer: one {@link AttemptTrace} per offered attempt, its spans children of the
 * context the Hub's offer carries, so the sink's work joins the task's trace.
 */
public final class AttemptTracing {
  private final Tracer tracer;
  private final String sinkUuid;

  /** Spans from {@code openTelemetry} for the sink {@code sinkUuid}. */
  public AttemptTracing(OpenTelemetry openTelemetry, String sinkUuid) {
    String version = AttemptTracing.class.getPackage().getImplementationVersion();
    this.tracer = openTelemetry.getTracer("io.nexomatic.sink", version == null ? "dev" : version);
    this.sinkUuid = sinkUuid;
  }

  /** No spans at all: for sessions built without telemetry. */
  public static AttemptTracing off() {
    return new AttemptTracing(OpenTelemetry.noop(), "");
  }

  /** The sink took {@code offer}: starts the attempt's accept span. */
  public AttemptTrace begin(TaskOffer offer) {
    return new AttemptTrace(tracer, offer, sinkUuid);
  }
}
