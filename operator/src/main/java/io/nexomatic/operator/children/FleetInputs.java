package io.nexomatic.operator.children;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.model.SinkFleet;
import java.util.OptionalInt;

/**
 * What the reconciler resolved before the dependents run: the spec with its defaults applied, the
 * replica count to declare (empty while a HorizontalPodAutoscaler owns it) and the credentials read
 * from the user's Secrets. Handed to the dependents through the workflow context so that each is
 * computed once.
 */
public record FleetInputs(
    EffectiveFleet effective, OptionalInt replicas, DerivedCredentials credentials) {

  /** The inputs the reconciler put into {@code context} before invoking the workflow. */
  public static FleetInputs from(Context<SinkFleet> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(FleetInputs.class, FleetInputs.class);
  }

  /** Makes these inputs available to the dependents of this reconciliation. */
  public void putInto(Context<SinkFleet> context) {
    context.managedWorkflowAndDependentResourceContext().put(FleetInputs.class, this);
  }
}
