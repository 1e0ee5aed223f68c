package io.nexomatic.protocol.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The span attributes the Hub and the sink both set, declared once so a query for one attempt
 * (nexomatic.task_id and nexomatic.attempt) finds the spans of both processes.
 */
public final class TraceAttributes {
  /** The task's id as the Hub assigned it. */
  public static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("nexomatic.task_id");

  /** The attempt number the span belongs to, from 1; re-queued tasks carry the new number. */
  public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("nexomatic.attempt");

  /** The task's Sink Type (CLIENT_ID), e.g. LOCAL:BASE. */
  public static final AttributeKey<String> SINK_TYPE =
      AttributeKey.stringKey("nexomatic.sink_type");

  /** The sink's uuid (per process), for the attempts it holds. */
  public static final AttributeKey<String> SINK_UUID =
      AttributeKey.stringKey("nexomatic.sink_uuid");

  /** An end state (SUCCESS, WARNING, ERROR) or how an attempt ended without one. */
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("nexomatic.outcome");

  /** The task's result code, once it has one. */
  public static final AttributeKey<Long> RESULT_CODE =
      AttributeKey.longKey("nexomatic.result_code");

  private TraceAttributes() {}
}
