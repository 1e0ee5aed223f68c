package io.nexomatic.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.operator.model.ScaleDownPending;
import io.nexomatic.operator.scaling.BacklogPolicy.Bounds;
import io.nexomatic.operator.scaling.BacklogPolicy.Decision;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BacklogPolicyTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Bounds TEN_PER_SINK = new Bounds(10, 1, 8, Duration.ofSeconds(300));
  private static final Bounds TO_ZERO = new Bounds(1, 0, 5, Duration.ofSeconds(60));

  @ParameterizedTest(name = "{0} tasks at {1} per sink within [{2}, {3}] → {4}")
  @CsvSource({
    "0,   10, 1, 8, 1",
    "1,   10, 1, 8, 1",
    "10,  10, 1, 8, 1",
    "11,  10, 1, 8, 2",
    "100, 10, 1, 8, 8",
    "0,   1,  0, 5, 0",
    "3,   1,  0, 5, 3",
    "70,  10, 0, 100, 7",
    "71,  10, 0, 100, 8"
  })
  void recommendsTheCeilingOfDemandPerSinkWithinMinAndMax(
      long demand, int perSink, int min, int max, int expected) {
    assertThat(BacklogPolicy.recommend(demand, new Bounds(perSink, min, max, Duration.ZERO)))
        .isEqualTo(expected);
  }

  @Test
  void scalesUpAtOnce() {
    Decision d = BacklogPolicy.decide(75, TEN_PER_SINK, 2, null, T0);
    assertThat(d.replicas()).isEqualTo(8);
    assertThat(d.scaled()).isTrue();
    assertThat(d.pending()).isNull();
    assertThat(d.explanation())
        .isEqualTo("scaled up from 2 to 8: 75 tasks queued or leased at 10 per sink");
  }

  @Test
  void scalesDownOnlyAfterTheWholeWindowOfLowerDemand() {
    Decision first = BacklogPolicy.decide(20, TEN_PER_SINK, 6, null, T0);
    assertThat(first.replicas()).as("demand fell: hold").isEqualTo(6);
    assertThat(first.scaled()).isFalse();
    assertThat(first.pending()).isEqualTo(new ScaleDownPending("2026-01-01T00:00:00Z", 2));
    assertThat(first.explanation()).contains("holding 6 until 2026-01-01T00:05:00Z, then 2");

    Decision justBefore =
        BacklogPolicy.decide(20, TEN_PER_SINK, 6, first.pending(), T0.plusSeconds(299));
    assertThat(justBefore.replicas()).isEqualTo(6);

    Decision due = BacklogPolicy.decide(20, TEN_PER_SINK, 6, first.pending(), T0.plusSeconds(300));
    assertThat(due.replicas()).isEqualTo(2);
    assertThat(due.scaled()).isTrue();
    assertThat(due.pending()).isNull();
    assertThat(due.explanation()).startsWith("scaled down from 6 to 2 after 300 s of lower demand");
  }

  @Test
  void aDipInsideTheWindowShrinksOnlyToTheHighestDemandSeenInIt() {
    Decision low = BacklogPolicy.decide(10, TEN_PER_SINK, 6, null, T0);
    Decision bump = BacklogPolicy.decide(45, TEN_PER_SINK, 6, low.pending(), T0.plusSeconds(100));
    assertThat(bump.pending().getReplicas()).isEqualTo(5);
    assertThat(bump.pending().getSince()).as("the window keeps its start").isEqualTo(T0.toString());
    Decision due = BacklogPolicy.decide(10, TEN_PER_SINK, 6, bump.pending(), T0.plusSeconds(300));
    assertThat(due.replicas()).isEqualTo(5);
  }

  @Test
  void demandBackAtTheCurrentCountCancelsThePendingScaleDown() {
    Decision low = BacklogPolicy.decide(10, TEN_PER_SINK, 6, null, T0);
    Decision back = BacklogPolicy.decide(60, TEN_PER_SINK, 6, low.pending(), T0.plusSeconds(200));
    assertThat(back.pending()).isNull();
    assertThat(back.replicas()).isEqualTo(6);
    Decision lowAgain =
        BacklogPolicy.decide(10, TEN_PER_SINK, 6, back.pending(), T0.plusSeconds(400));
    assertThat(lowAgain.replicas()).as("a new window starts").isEqualTo(6);
    assertThat(lowAgain.pending().getSince()).isEqualTo(T0.plusSeconds(400).toString());
  }

  @Test
  void scalesToZeroAfterTheWindowAndBackFromZeroAtOnce() {
    Decision empty = BacklogPolicy.decide(0, TO_ZERO, 2, null, T0);
    Decision zero = BacklogPolicy.decide(0, TO_ZERO, 2, empty.pending(), T0.plusSeconds(60));
    assertThat(zero.replicas()).isZero();
    Decision work = BacklogPolicy.decide(1, TO_ZERO, 0, zero.pending(), T0.plusSeconds(61));
    assertThat(work.replicas()).isEqualTo(1);
    assertThat(work.scaled()).isTrue();
  }

  @Test
  void aRestartedOperatorWithThePendingFromStatusDoesNotShrinkEarly() {
    Decision before = BacklogPolicy.decide(0, TEN_PER_SINK, 4, null, T0);
    // A new operator process: nothing but the status it reads carries over.
    var fromStatus =
        new ScaleDownPending(before.pending().getSince(), before.pending().getReplicas());
    Decision after = BacklogPolicy.decide(0, TEN_PER_SINK, 4, fromStatus, T0.plusSeconds(120));
    assertThat(after.replicas()).isEqualTo(4);
    assertThat(after.pending()).isEqualTo(before.pending());
  }

  @Test
  void anOscillatingBacklogProducesABoundedNumberOfScaleEvents() {
    // Every 5 s for an hour the backlog flips between 80 and 10 tasks.
    int current = 1;
    ScaleDownPending pending = null;
    int scaleEvents = 0;
    for (int t = 0; t < 3600; t += 5) {
      long demand = (t / 5) % 2 == 0 ? 80 : 10;
      Decision d = BacklogPolicy.decide(demand, TEN_PER_SINK, current, pending, T0.plusSeconds(t));
      if (d.scaled()) {
        scaleEvents++;
      }
      current = d.replicas();
      pending = d.pending();
    }
    assertThat(scaleEvents).as("one scale-up, then it holds").isEqualTo(1);
    assertThat(current).isEqualTo(8);
  }

  @Test
  void aCountOutsideNewBoundsMovesIntoThemAtOnce() {
    Decision d = BacklogPolicy.decide(0, TEN_PER_SINK, 12, null, T0);
    assertThat(d.replicas()).isEqualTo(8);
    assertThat(d.scaled()).isTrue();
  }
}
