package io.nexomatic.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts finished reconciliations per fleet, so a test can wait for one without sleeping, and keeps
 * the exceptions of failed ones.
 */
public final class TestingMetrics implements Metrics {

  private final Map<String, AtomicInteger> finished = new ConcurrentHashMap<>();
  private final Map<String, java.util.List<String>> failures = new ConcurrentHashMap<>();

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    failures
        .computeIfAbsent(
            key(resource.getMetadata().getNamespace(), resource.getMetadata().getName()),
            k -> new java.util.concurrent.CopyOnWriteArrayList<>())
        .add(String.valueOf(exception));
  }

  /** The exceptions reconciles of {@code namespace/name} have thrown so far. */
  public java.util.List<String> failures(String namespace, String name) {
    return failures.getOrDefault(key(namespace, name), java.util.List.of());
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    finished
        .computeIfAbsent(
            key(resource.getMetadata().getNamespace(), resource.getMetadata().getName()),
            k -> new AtomicInteger())
        .incrementAndGet();
  }

  /** Reconciliations of the fleet {@code namespace/name} that have returned so far. */
  public int finishedReconciliations(String namespace, String name) {
    var count = finished.get(key(namespace, name));
    return count == null ? 0 : count.get();
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
