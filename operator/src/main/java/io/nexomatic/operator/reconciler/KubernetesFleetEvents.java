package io.nexomatic.operator.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.nexomatic.operator.children.FleetLabels;
import io.nexomatic.operator.model.SinkFleet;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link FleetEvents} as core/v1 Events on the SinkFleet. */
public final class KubernetesFleetEvents implements FleetEvents {

  private static final Logger log = LoggerFactory.getLogger(KubernetesFleetEvents.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final String reportingInstance;

  public KubernetesFleetEvents(KubernetesClient client, Clock clock, String reportingInstance) {
    this.client = client;
    this.clock = clock;
    this.reportingInstance = reportingInstance;
  }

  @Override
  public void transitioned(SinkFleet fleet, Verdict verdict) {
    var now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var meta = fleet.getMetadata();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                meta.getName()
                    + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong())
                        .toLowerCase(Locale.ROOT))
            .withNamespace(meta.getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(fleet.getApiVersion())
            .withKind(fleet.getKind())
            .withName(meta.getName())
            .withNamespace(meta.getNamespace())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .endInvolvedObject()
            .withType(verdict.isWarning() ? "Warning" : "Normal")
            .withReason(verdict.reason())
            .withMessage(verdict.message())
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(FleetLabels.OPERATOR_NAME)
            .endSource()
            .withReportingComponent(FleetLabels.OPERATOR_NAME)
            .withReportingInstance(reportingInstance)
            .build();
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy: the status already tells the story, so never fail a reconcile.
      log.warn(
          "could not record event {} for SinkFleet {}/{}: {}",
          verdict.reason(),
          meta.getNamespace(),
          meta.getName(),
          e.getMessage());
    }
  }
}
