package io.nexomatic.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.nexomatic.operator.children.CpuAutoscaling;
import io.nexomatic.operator.children.CredentialsSecretDependent;
import io.nexomatic.operator.children.DeploymentDependent;
import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.children.EphemeralPods;
import io.nexomatic.operator.children.FleetInputs;
import io.nexomatic.operator.children.FleetLabels;
import io.nexomatic.operator.children.HorizontalPodAutoscalerDependent;
import io.nexomatic.operator.children.NetworkPolicyDependent;
import io.nexomatic.operator.children.NetworkPolicyEnabled;
import io.nexomatic.operator.children.PodDisruptionBudgetDependent;
import io.nexomatic.operator.children.RunsDeployment;
import io.nexomatic.operator.children.ServiceAccountDependent;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetStatus;
import io.nexomatic.operator.scaling.BacklogAutoscaler;
import io.nexomatic.operator.scaling.EphemeralScaler;
import io.nexomatic.operator.scaling.PodDeletionCosts;
import io.nexomatic.operator.scaling.ReplicaPlanner;
import io.nexomatic.operator.validation.SinkFleetValidator;
import io.nexomatic.operator.validation.SpecViolation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a SinkFleet: validates the spec, resolves the referenced Secrets, applies the children
 * through the workflow, then reports status. An invalid spec or a missing Secret stops before any
 * child is touched, so running sinks keep running while the user fixes it. No finalizer: children
 * go with the fleet through their ownerReferences. The Hub is never called from here: the scalers
 * act on the latest observation the {@link FleetHubReader} holds.
 */
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = SinkFleetReconciler.CREDENTIALS, type = CredentialsSecretDependent.class),
      @Dependent(name = SinkFleetReconciler.SERVICE_ACCOUNT, type = ServiceAccountDependent.class),
      @Dependent(
          name = SinkFleetReconciler.DEPLOYMENT,
          type = DeploymentDependent.class,
          reconcilePrecondition = RunsDeployment.class,
          dependsOn = {SinkFleetReconciler.CREDENTIALS, SinkFleetReconciler.SERVICE_ACCOUNT}),
      @Dependent(
          name = SinkFleetReconciler.HPA,
          type = HorizontalPodAutoscalerDependent.class,
          reconcilePrecondition = CpuAutoscaling.class,
          dependsOn = SinkFleetReconciler.DEPLOYMENT),
      @Dependent(
          name = SinkFleetReconciler.PDB,
          type = PodDisruptionBudgetDependent.class,
          dependsOn = SinkFleetReconciler.DEPLOYMENT),
      @Dependent(
          name = SinkFleetReconciler.NETWORK_POLICY,
          type = NetworkPolicyDependent.class,
          reconcilePrecondition = NetworkPolicyEnabled.class)
    })
@ControllerConfiguration(name = SinkFleetReconciler.NAME, fieldManager = FleetLabels.OPERATOR_NAME)
public class SinkFleetReconciler implements Reconciler<SinkFleet> {

  public static final String NAME = "sinkfleet";
  static final String CREDENTIALS = "credentials-secret";
  static final String SERVICE_ACCOUNT = "service-account";
  static final String DEPLOYMENT = "deployment";
  static final String HPA = "horizontal-pod-autoscaler";
  static final String PDB = "pod-disruption-budget";
  static final String NETWORK_POLICY = "network-policy";

  private static final Logger log = LoggerFactory.getLogger(SinkFleetReconciler.class);

  private final ReplicaPlanner replicaPlanner;
  private final BacklogAutoscaler autoscaler;
  private final EphemeralScaler ephemeral;
  private final FleetEvents events;
  private final FleetStatusBuilder statusBuilder;
  private final FleetHubReader hubReader;

  public SinkFleetReconciler(
      ReplicaPlanner replicaPlanner,
      BacklogAutoscaler autoscaler,
      EphemeralScaler ephemeral,
      FleetEvents events,
      Clock clock,
      FleetHubReader hubReader) {
    this.hubReader = hubReader;
    this.replicaPlanner = replicaPlanner;
    this.autoscaler = autoscaler;
    this.ephemeral = ephemeral;
    this.events = events;
    this.statusBuilder = new FleetStatusBuilder(clock);
  }

  @Override
  public List<EventSource<?, SinkFleet>> prepareEventSources(
      EventSourceContext<SinkFleet> context) {
    var sources = new ArrayList<EventSource<?, SinkFleet>>();
    sources.add(ReferencedSecrets.eventSource(context));
    hubReader.eventSource().ifPresent(sources::add);
    return sources;
  }

  @Override
  public UpdateControl<SinkFleet> reconcile(SinkFleet fleet, Context<SinkFleet> context) {
    Optional<Deployment> deployment = context.getSecondaryResource(Deployment.class);

    List<SpecViolation> violations = SinkFleetValidator.validate(fleet.getSpec());
    if (!violations.isEmpty()) {
      String message =
          violations.stream().map(SpecViolation::message).collect(Collectors.joining("; "));
      hubReader.forget(fleet);
      return report(
          fleet, context, Verdict.blocked(Reasons.INVALID_SPEC, message), null, deployment);
    }

    var resolver =
        new CredentialsResolver((ns, name) -> ReferencedSecrets.lookup(context, ns, name));
    var resolution = resolver.resolve(fleet);
    if (resolution instanceof CredentialsResolver.Unresolved unresolved) {
      hubReader.forget(fleet);
      return report(
          fleet,
          context,
          Verdict.blocked(unresolved.reason(), unresolved.message()),
          null,
          deployment);
    }
    var credentials = ((CredentialsResolver.Resolved) resolution).credentials();
    var effective = EffectiveFleet.of(fleet.getSpec());
    if (EphemeralPods.runFor(fleet)) {
      return reconcileEphemeral(
          fleet, context, effective, credentials, hubReader.observe(fleet, credentials));
    }

    Optional<BacklogAutoscaler.Outcome> backlog = Optional.empty();
    OptionalInt planned;
    if (BacklogAutoscaler.applies(fleet)) {
      var outcome =
          autoscaler.evaluate(fleet, effective, hubReader.observe(fleet, credentials), deployment);
      backlog = Optional.of(outcome);
      planned = OptionalInt.of(outcome.replicas());
      announceScaling(fleet, outcome);
      int running =
          deployment.map(d -> Objects.requireNonNullElse(d.getSpec().getReplicas(), 1)).orElse(0);
      // Ranked through the whole stabilization window, not only at the scale itself: the
      // ReplicaSet controller must see the costs before it sees the smaller count.
      boolean shrinking = outcome.replicas() < running || outcome.pending() != null;
      if (shrinking && outcome.view().isPresent()) {
        PodDeletionCosts.rank(context.getClient(), fleet, outcome.view().get());
      }
    } else {
      hubReader.forget(fleet);
      planned = replicaPlanner.desiredReplicas(fleet, effective);
    }
    new FleetInputs(effective, planned, credentials).putInto(context);
    var result = context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    if (result.erroredDependentsExist()) {
      result.throwAggregateExceptionIfErrorsPresent();
    }

    deployment = context.getSecondaryResource(Deployment.class);
    int desired =
        planned.isPresent()
            ? planned.getAsInt()
            : deployment
                .map(d -> Objects.requireNonNullElse(d.getSpec().getReplicas(), 1))
                .orElse(1);
    Verdict verdict = DeploymentHealth.evaluate(fleet, deployment, desired);
    var control = report(fleet, context, verdict, desired, deployment, backlog);
    return backlog.map(b -> control.rescheduleAfter(b.pollInterval())).orElse(control);
  }

  /**
   * An Ephemeral fleet: the workflow keeps the Secret and ServiceAccount (and removes a Deployment
   * left from another mode), then the scaler starts one pod per queued task.
   */
  private UpdateControl<SinkFleet> reconcileEphemeral(
      SinkFleet fleet,
      Context<SinkFleet> context,
      EffectiveFleet effective,
      DerivedCredentials credentials,
      HubObservation observation) {
    var inputs = new FleetInputs(effective, OptionalInt.empty(), credentials);
    inputs.putInto(context);
    var result = context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    if (result.erroredDependentsExist()) {
      result.throwAggregateExceptionIfErrorsPresent();
    }
    var outcome = ephemeral.reconcile(fleet, inputs, context.getClient(), observation);
    var scaling = outcome.scaling();
    announceScaling(fleet, scaling);
    boolean awaiting = BacklogAutoscaler.AWAITING_READING.equals(scaling.reason());
    var shown = Optional.ofNullable(fleet.getStatus()).map(SinkFleetStatus::getConditions);
    if (awaiting && shown.filter(c -> !c.isEmpty()).isPresent()) {
      // A restarted operator's first look: the status it finds says more than "not read yet".
      return UpdateControl.<SinkFleet>noUpdate().rescheduleAfter(scaling.pollInterval());
    }
    Verdict verdict;
    if (awaiting) {
      verdict = Verdict.progressing(scaling.reason(), scaling.message());
    } else if (!scaling.scalingActive()) {
      verdict = Verdict.blocked(scaling.reason(), scaling.message());
    } else if (outcome.plan().lastFailure().isPresent()) {
      verdict =
          Verdict.blocked(
              Reasons.POD_FAILED,
              outcome.plan().lastFailure().get()
                  + "; starting one pod at a time until a pod succeeds");
    } else {
      verdict = Verdict.settled(Reasons.EPHEMERAL_SERVING, scaling.message());
    }
    SinkFleetStatus status =
        statusBuilder.build(
            fleet,
            verdict,
            scaling.replicas(),
            scaling.replicas(),
            outcome.plan().ready(),
            Optional.of(scaling));
    if (!status.equals(fleet.getStatus())) {
      announceTransition(fleet, status, verdict);
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
          fleet, withOnlyStatus(fleet, status), context);
    }
    return UpdateControl.<SinkFleet>noUpdate().rescheduleAfter(scaling.pollInterval());
  }

  /**
   * Explains a changed count, and a change in whether the Hub can be read, as Events; waiting for a
   * fleet's first reading is not news.
   */
  private void announceScaling(SinkFleet fleet, BacklogAutoscaler.Outcome outcome) {
    String scheduleBefore =
        Optional.ofNullable(fleet.getStatus()).map(SinkFleetStatus::getActiveSchedule).orElse(null);
    if (!Objects.equals(scheduleBefore, outcome.activeSchedule())) {
      events.transitioned(
          fleet,
          new Verdict(
              Verdict.Shape.SETTLED,
              Reasons.SCHEDULE,
              outcome.activeSchedule() != null
                  ? "capacity schedule "
                      + outcome.activeSchedule()
                      + " started: "
                      + outcome.message()
                  : "capacity schedule " + scheduleBefore + " ended: " + outcome.message()));
    }
    if (outcome.scaledMessage() != null) {
      events.transitioned(
          fleet, new Verdict(Verdict.Shape.SETTLED, Reasons.SCALED, outcome.scaledMessage()));
    }
    String before =
        Optional.ofNullable(fleet.getStatus())
            .map(SinkFleetStatus::getConditions)
            .flatMap(
                all ->
                    all.stream()
                        .filter(c -> ConditionTypes.SCALING_ACTIVE.equals(c.getType()))
                        .map(Condition::getReason)
                        .findFirst())
            .filter(reason -> !BacklogAutoscaler.AWAITING_READING.equals(reason))
            .orElse(BacklogAutoscaler.READING_BACKLOG);
    if (!before.equals(outcome.reason())
        && !BacklogAutoscaler.AWAITING_READING.equals(outcome.reason())) {
      events.transitioned(
          fleet,
          new Verdict(
              outcome.scalingActive() ? Verdict.Shape.SETTLED : Verdict.Shape.BLOCKED,
              outcome.reason(),
              outcome.message()));
    }
  }

  @Override
  public ErrorStatusUpdateControl<SinkFleet> updateErrorStatus(
      SinkFleet fleet, Context<SinkFleet> context, Exception e) {
    log.warn(
        "reconciling SinkFleet {}/{} failed: {}",
        fleet.getMetadata().getNamespace(),
        fleet.getMetadata().getName(),
        e.toString());
    var verdict =
        Verdict.progressing(
            Reasons.RECONCILE_ERROR,
            "applying the fleet's children failed, retrying: " + e.getMessage());
    var status =
        statusBuilder.build(
            fleet, verdict, null, context.getSecondaryResource(Deployment.class), Optional.empty());
    if (status.equals(fleet.getStatus())) {
      return ErrorStatusUpdateControl.<SinkFleet>noStatusUpdate();
    }
    announceTransition(fleet, status, verdict);
    return ErrorStatusUpdateControl.patchStatus(withOnlyStatus(fleet, status));
  }

  private UpdateControl<SinkFleet> report(
      SinkFleet fleet,
      Context<SinkFleet> context,
      Verdict verdict,
      Integer desiredReplicas,
      Optional<Deployment> deployment) {
    return report(fleet, context, verdict, desiredReplicas, deployment, Optional.empty());
  }

  private UpdateControl<SinkFleet> report(
      SinkFleet fleet,
      Context<SinkFleet> context,
      Verdict verdict,
      Integer desiredReplicas,
      Optional<Deployment> deployment,
      Optional<BacklogAutoscaler.Outcome> backlog) {
    SinkFleetStatus status =
        statusBuilder.build(fleet, verdict, desiredReplicas, deployment, backlog);
    if (status.equals(fleet.getStatus())) {
      return UpdateControl.noUpdate();
    }
    announceTransition(fleet, status, verdict);
    PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(
        fleet, withOnlyStatus(fleet, status), context);
    return UpdateControl.noUpdate();
  }

  /** Emits an Event when the Ready condition's status or reason changes, and only then. */
  private void announceTransition(SinkFleet fleet, SinkFleetStatus status, Verdict verdict) {
    var before = ready(fleet.getStatus());
    var after = ready(status);
    boolean changed =
        before.isEmpty()
            || !Objects.equals(
                before.get().getStatus(), after.map(Condition::getStatus).orElse(null))
            || !Objects.equals(
                before.get().getReason(), after.map(Condition::getReason).orElse(null));
    if (changed) {
      log.info(
          "SinkFleet {}/{}: {} ({})",
          fleet.getMetadata().getNamespace(),
          fleet.getMetadata().getName(),
          verdict.reason(),
          verdict.message());
      events.transitioned(fleet, verdict);
    }
  }

  private static Optional<Condition> ready(SinkFleetStatus status) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream()
        .filter(c -> ConditionTypes.READY.equals(c.getType()))
        .findFirst();
  }

  /** A server-side-apply body that claims only the status. */
  private static SinkFleet withOnlyStatus(SinkFleet fleet, SinkFleetStatus status) {
    var fresh = new SinkFleet();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(fleet.getMetadata().getName())
            .withNamespace(fleet.getMetadata().getNamespace())
            .build());
    fresh.setSpec(null);
    fresh.setStatus(status);
    return fresh;
  }
}
