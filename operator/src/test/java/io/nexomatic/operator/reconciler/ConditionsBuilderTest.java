package io.nexomatic.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsBuilderTest {

  private static final Clock EARLIER =
      Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
  private static final Clock LATER =
      Clock.fixed(Instant.parse("2025-01-02T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void mapsASettledFleetToReadyAndNothingElse() {
    var conditions =
        new ConditionsBuilder(List.of(), 3L, EARLIER)
            .build(Verdict.settled(Reasons.AVAILABLE, "2 of 2 sinks ready"));

    assertThat(conditions)
        .extracting(Condition::getType, Condition::getStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Ready", "True"),
            org.assertj.core.groups.Tuple.tuple("Progressing", "False"),
            org.assertj.core.groups.Tuple.tuple("Degraded", "False"),
            org.assertj.core.groups.Tuple.tuple("Stalled", "False"),
            org.assertj.core.groups.Tuple.tuple("Reconciling", "False"));
    assertThat(conditions).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3L));
  }

  @Test
  void marksABlockedFleetDegradedAndStalledForKstatus() {
    var conditions =
        new ConditionsBuilder(List.of(), 1L, EARLIER)
            .build(Verdict.blocked(Reasons.SECRET_NOT_FOUND, "create it"));

    assertThat(conditions)
        .filteredOn(c -> "True".equals(c.getStatus()))
        .extracting(Condition::getType)
        .containsExactly("Degraded", "Stalled");
  }

  @Test
  void keepsTheTransitionTimeWhileAConditionsStatusHolds() {
    var first =
        new ConditionsBuilder(List.of(), 1L, EARLIER)
            .build(Verdict.progressing(Reasons.ROLLOUT_IN_PROGRESS, "0 of 2"));

    var second =
        new ConditionsBuilder(first, 1L, LATER)
            .build(Verdict.progressing(Reasons.ROLLOUT_IN_PROGRESS, "1 of 2"));
    var third =
        new ConditionsBuilder(second, 1L, LATER)
            .build(Verdict.settled(Reasons.AVAILABLE, "2 of 2"));

    assertThat(second)
        .extracting(Condition::getLastTransitionTime)
        .containsOnly("2025-01-01T00:00:00Z");
    assertThat(third.get(0).getLastTransitionTime()).isEqualTo("2025-01-02T00:00:00Z");
    assertThat(third.get(2).getLastTransitionTime()).isEqualTo("2025-01-01T00:00:00Z");
  }
}
