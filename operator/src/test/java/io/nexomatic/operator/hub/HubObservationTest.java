package io.nexomatic.operator.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.operator.testing.TestFleets;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * An observation says the same as another when the Hub said the same (time aside), and a reading
 * can be acted on by one caller only.
 */
class HubObservationTest {

  private static final Instant AT = Instant.parse("2026-12-02T12:00:00Z");
  private static final HubTarget TARGET =
      HubTarget.of(
          TestFleets.pythonFleet(),
          TestFleets.inputs(TestFleets.pythonFleet(), OptionalInt.empty(), "s").credentials());

  private static HubQueueView queued(long tasks) {
    return new HubQueueView(tasks, 0, 1, 0, Map.of());
  }

  @Test
  void aReadingIsClaimedOnceAndAFreshReadingOfTheSameViewAgain() {
    var reading = HubObservation.reading(TARGET, queued(3), AT);
    assertThat(reading.claim()).isTrue();
    assertThat(reading.claim()).as("the same reading, a second time").isFalse();
    assertThat(HubObservation.reading(TARGET, queued(3), AT.plusSeconds(5)).claim())
        .as("a new poll that read the same")
        .isTrue();
  }

  @Test
  void sameAsComparesWhatTheHubSaidNotWhen() {
    var first = HubObservation.reading(TARGET, queued(3), AT);
    assertThat(first.sameAs(HubObservation.reading(TARGET, queued(3), AT.plusSeconds(9)))).isTrue();
    assertThat(first.sameAs(HubObservation.reading(TARGET, queued(4), AT))).isFalse();
    var down = new HubReadException("cannot read the Hub (UNAVAILABLE)", false, null);
    var again = new HubReadException("cannot read the Hub (UNAVAILABLE)", false, null);
    assertThat(
            HubObservation.failure(TARGET, down, AT)
                .sameAs(HubObservation.failure(TARGET, again, AT.plusSeconds(1))))
        .isTrue();
    assertThat(first.sameAs(HubObservation.awaiting(TARGET, AT))).isFalse();
  }
}
