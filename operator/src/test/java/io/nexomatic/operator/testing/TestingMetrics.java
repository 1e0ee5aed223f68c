package io.nexomatic.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts finished reconciliations, so a test can wait for one without sleeping. */
public final class TestingMetrics implements Metrics {

  private final AtomicInteger finished = new AtomicInteger();

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    finished.incrementAndGet();
  }

  /** Reconciliations that have returned so far. */
  public int finishedReconciliations() {
    return finished.get();
  }
}
