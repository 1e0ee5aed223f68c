package io.nexomatic.operator.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A fleet of Nexomatic sinks of one Sink Type: the operator derives its Deployment, credentials
 * Secret, ServiceAccount, autoscaler and disruption budget and keeps them correct.
 */
@Group(SinkFleet.GROUP)
@Version(SinkFleet.VERSION)
@Kind(SinkFleet.KIND)
@Plural(SinkFleet.PLURAL)
@Singular("sinkfleet")
@ShortNames("sf")
@Categories("nexomatic")
@AdditionalPrinterColumn(name = "Type", jsonPath = ".spec.sinkType")
@AdditionalPrinterColumn(
    name = "Desired",
    jsonPath = ".status.desiredReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readyReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Connected",
    jsonPath = ".status.connectedSinks",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Queued",
    jsonPath = ".status.queued",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class SinkFleet extends CustomResource<SinkFleetSpec, SinkFleetStatus>
    implements Namespaced {

  private static final long serialVersionUID = 1L;

  /** The API group. */
  public static final String GROUP = "sinks.nexomatic.io";

  /** The served and stored version. */
  public static final String VERSION = "v1alpha1";

  /** The kind. */
  public static final String KIND = "SinkFleet";

  /** The plural resource name. */
  public static final String PLURAL = "sinkfleets";
}
