package io.nexomatic.protocol.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the OpenTelemetry SDK with the SDK's own environment configuration, so every standard
 * {@code OTEL_*} variable (protocol, headers, sampler, resource attributes, batch sizes) means what
 * the specification says. Only {@link Telemetry} calls it, and only when an endpoint is set.
 */
final class OtlpTelemetry {
  private OtlpTelemetry() {}

  static OpenTelemetry create(Map<String, String> env, String serviceName) {
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> properties(env, serviceName))
        .build()
        .getOpenTelemetrySdk();
  }

  /**
   * The SDK's defaults here, under what the environment says: the SDK reads the process environment
   * itself and lets it win, and these come from {@code env} as the caller passed it (a test's map)
   * plus what this project changes: its own service name, OTLP over http/protobuf, and no metrics
   * or logs exporters, because only traces are emitted and an idle OTLP metrics exporter would
   * still call the collector every minute.
   */
  static Map<String, String> properties(Map<String, String> env, String serviceName) {
    Map<String, String> p = new HashMap<>();
    p.put("otel.service.name", serviceName);
    p.put("otel.traces.exporter", "otlp");
    // The one sender on the class path is the JDK's HTTP client (no OkHttp, see the parent pom).
    p.put("otel.exporter.otlp.protocol", "http/protobuf");
    p.put("otel.metrics.exporter", "none");
    p.put("otel.logs.exporter", "none");
    env.forEach(
        (name, value) -> {
          if (name.startsWith("OTEL_")) {
            p.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
          }
        });
    return p;
  }
}
