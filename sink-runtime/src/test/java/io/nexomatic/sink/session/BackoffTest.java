package io.nexomatic.sink.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reconnect back-off: grows by 1.6 from 1 s, stops growing at 120 s, jitters by ±20 %. */
class BackoffTest {

  private static Duration[] delays(double random, int count) {
    var backoff = new Backoff(() -> random);
    var delays = new Duration[count];
    for (int i = 0; i < count; i++) {
      delays[i] = backoff.next();
    }
    return delays;
  }

  @Test
  void withoutJitterTheDelayGrowsByOnePointSixFromOneSecond() {
    Duration[] d = delays(0.5, 4);

    assertThat(d)
        .containsExactly(
            Duration.ofMillis(1000),
            Duration.ofMillis(1600),
            Duration.ofMillis(2560),
            Duration.ofMillis(4096));
  }

  @Test
  void theDelayNeverExceedsTheCapPlusItsJitter() {
    Duration[] highest = delays(1.0, 40);
    Duration[] lowest = delays(0.0, 40);

    for (Duration d : highest) {
      assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(144_000));
    }
    assertThat(highest[39]).isEqualTo(Duration.ofMillis(144_000));
    assertThat(lowest[39]).isEqualTo(Duration.ofMillis(96_000));
    assertThat(lowest[0]).isEqualTo(Duration.ofMillis(800));
    assertThat(highest[0]).isEqualTo(Duration.ofMillis(1200));
  }

  @Test
  void jitterStaysWithinTwentyPercentOfTheBase() {
    for (double r = 0; r <= 1.0; r += 0.05) {
      Duration[] d = delays(r, 12);
      Duration[] base = delays(0.5, 12);
      for (int i = 0; i < d.length; i++) {
        assertThat((double) d[i].toMillis())
            .isBetween(base[i].toMillis() * 0.8 - 1, base[i].toMillis() * 1.2 + 1);
      }
    }
  }

  @Test
  void aSessionResetsTheDelayToOneSecond() {
    var backoff = new Backoff(() -> 0.5);
    for (int i = 0; i < 10; i++) {
      backoff.next();
    }

    backoff.reset();

    assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
  }
}
