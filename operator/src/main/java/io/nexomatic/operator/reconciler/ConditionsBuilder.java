package io.nexomatic.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a {@link Verdict} into the five conditions, keeping each condition's lastTransitionTime
 * while its status is unchanged so an unchanged fleet produces an identical status.
 */
public final class ConditionsBuilder {

  private final List<Condition> previous;
  private final Long observedGeneration;
  private final Clock clock;

  public ConditionsBuilder(List<Condition> previous, Long observedGeneration, Clock clock) {
    this.previous = previous == null ? List.of() : previous;
    this.observedGeneration = observedGeneration;
    this.clock = clock;
  }

  /** The conditions for {@code verdict}, in {@link ConditionTypes#ALL} order. */
  public List<Condition> build(Verdict verdict) {
    boolean settled = verdict.shape() == Verdict.Shape.SETTLED;
    boolean progressing = verdict.shape() == Verdict.Shape.PROGRESSING;
    boolean blocked = verdict.shape() == Verdict.Shape.BLOCKED;
    var conditions = new ArrayList<Condition>();
    conditions.add(condition(ConditionTypes.READY, settled, verdict));
    conditions.add(condition(ConditionTypes.PROGRESSING, progressing, verdict));
    conditions.add(condition(ConditionTypes.DEGRADED, blocked, verdict));
    conditions.add(condition(ConditionTypes.STALLED, blocked, verdict));
    conditions.add(condition(ConditionTypes.RECONCILING, progressing, verdict));
    return conditions;
  }

  /** The ScalingActive condition of a Backlog fleet. */
  public Condition scalingActive(boolean active, String reason, String message) {
    return condition(
        ConditionTypes.SCALING_ACTIVE, active, new Verdict(Verdict.Shape.SETTLED, reason, message));
  }

  private Condition condition(String type, boolean status, Verdict verdict) {
    String statusText = status ? "True" : "False";
    String transition =
        previous.stream()
            .filter(c -> type.equals(c.getType()) && statusText.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .filter(Objects::nonNull)
            .findFirst()
            .orElseGet(() -> clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(statusText)
        .withReason(verdict.reason())
        .withMessage(verdict.message())
        .withObservedGeneration(observedGeneration)
        .withLastTransitionTime(transition)
        .build();
  }
}
