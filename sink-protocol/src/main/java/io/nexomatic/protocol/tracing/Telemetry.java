package io.nexomatic.protocol.tracing;

import io.opentelemetry.api.OpenTelemetry;
import java.util.Map;

/**
 * Chooses a process's {@link OpenTelemetry}: the SDK exporting over OTLP when the environment names
 * an OTLP endpoint, else the API's no-op. The Hub, the sink and the operator each call this once at
 * start and pass the result down; nothing uses {@code GlobalOpenTelemetry}.
 *
 * <p>This class refers to no SDK type, so without the variable the JVM never loads the SDK, its
 * exporter or their threads: {@link OtlpTelemetry} is the only class that does, and it is touched
 * only when exporting is asked for.
 */
public final class Telemetry {
  /** The variable that turns exporting on (the OpenTelemetry specification's name). */
  public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";

  /** The traces-only endpoint, which the specification lets stand for the general one. */
  public static final String TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

  /** The specification's switch that disables the SDK even when an endpoint is set. */
  public static final String SDK_DISABLED = "OTEL_SDK_DISABLED";

  private Telemetry() {}

  /**
   * The SDK configured from {@code env}'s {@code OTEL_*} variables (service name defaulting to
   * {@code serviceName}) when it sets an OTLP endpoint, else {@link OpenTelemetry#noop()}. An SDK
   * is shut down (its spans flushed) by a JVM shutdown hook, or earlier by closing it.
   */
  public static OpenTelemetry fromEnvironment(Map<String, String> env, String serviceName) {
    if (!exports(env)) {
      return OpenTelemetry.noop();
    }
    return OtlpTelemetry.create(env, serviceName);
  }

  /** Whether {@code env} asks for exporting: an OTLP endpoint is set and the SDK not disabled. */
  public static boolean exports(Map<String, String> env) {
    boolean endpoint = isSet(env.get(ENDPOINT)) || isSet(env.get(TRACES_ENDPOINT));
    return endpoint && !"true".equalsIgnoreCase(env.getOrDefault(SDK_DISABLED, "").trim());
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }
}
