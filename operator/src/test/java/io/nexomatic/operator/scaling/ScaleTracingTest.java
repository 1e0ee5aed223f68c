package io.nexomatic.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.hub.HubQueueView;
import io.nexomatic.operator.hub.HubTarget;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetStatus;
import io.nexomatic.operator.testing.TestFleets;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each decision that changes a Backlog fleet's count is one span: fleet, from, to and why. */
class ScaleTracingTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final BacklogAutoscaler autoscaler =
      new BacklogAutoscaler(Clock.fixed(NOW, ZoneOffset.UTC), new ScaleTracing(otel));

  @AfterEach
  void close() {
    otel.close();
  }

  private static SinkFleet fleet(int current) {
    var fleet = TestFleets.pythonFleet("traced");
    var autoscaling = new AutoscalingSpec();
    autoscaling.setMode(AutoscalingMode.BACKLOG);
    autoscaling.setMinReplicas(1);
    autoscaling.setMaxReplicas(20);
    autoscaling.setTasksPerSink(10);
    autoscaling.setPollIntervalSeconds(10);
    fleet.getSpec().setAutoscaling(autoscaling);
    var status = new SinkFleetStatus();
    status.setDesiredReplicas(current);
    fleet.setStatus(status);
    return fleet;
  }

  private void decide(SinkFleet fleet, long queued) {
    var target =
        HubTarget.of(fleet, TestFleets.inputs(fleet, OptionalInt.empty(), "s").credentials());
    var view = new HubQueueView(queued, 0, 1, 0, Map.of());
    autoscaler.evaluate(
        fleet,
        TestFleets.effective(fleet),
        HubObservation.reading(target, view, NOW.minusSeconds(1)),
        Optional.empty());
  }

  @Test
  void aScaleUpIsOneSpanWithTheFleetTheCountsAndTheReason() {
    SinkFleet fleet = fleet(2);
    decide(fleet, 50);

    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("nexomatic.operator.scale");
    assertThat(span.getParentSpanId()).isEqualTo(SpanId.getInvalid());
    assertThat(span.getAttributes().get(ScaleTracing.FLEET))
        .isEqualTo(fleet.getMetadata().getName());
    assertThat(span.getAttributes().get(ScaleTracing.NAMESPACE))
        .isEqualTo(fleet.getMetadata().getNamespace());
    assertThat(span.getAttributes().get(ScaleTracing.FROM)).isEqualTo(2L);
    assertThat(span.getAttributes().get(ScaleTracing.TO)).isEqualTo(5L);
    assertThat(span.getAttributes().get(ScaleTracing.REASON))
        .isEqualTo(BacklogAutoscaler.READING_BACKLOG);
    assertThat(span.getAttributes().get(ScaleTracing.MESSAGE)).isNotBlank();
  }

  @Test
  void aDecisionThatKeepsTheCountIsNoSpan() {
    decide(fleet(5), 50);

    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }
}
