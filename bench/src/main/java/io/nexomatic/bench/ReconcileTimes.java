package io.nexomatic.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** How long each reconcile took, per fleet, from JOSDK's own start and finish callbacks. */
final class ReconcileTimes implements Metrics {

  private final Map<String, Long> started = new ConcurrentHashMap<>();
  private final Map<String, List<Long>> millis = new ConcurrentHashMap<>();

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    started.put(key(resource), System.nanoTime());
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    Long at = started.remove(key(resource));
    if (at != null) {
      millis
          .computeIfAbsent(key(resource), k -> new CopyOnWriteArrayList<>())
          .add((System.nanoTime() - at) / 1_000_000);
    }
  }

  /** The durations (ms) of the finished reconciles of {@code name}. */
  List<Long> of(String name) {
    return millis.getOrDefault(name, List.of());
  }

  /** How many fleets have finished at least one reconcile. */
  int fleetsReconciled() {
    return millis.size();
  }

  /** Finished reconciles, of any fleet, that took at least {@code thresholdMillis}. */
  long atLeast(long thresholdMillis) {
    return millis.values().stream()
        .flatMap(List::stream)
        .filter(ms -> ms >= thresholdMillis)
        .count();
  }

  private static String key(HasMetadata resource) {
    return resource.getMetadata().getName();
  }
}
