package io.nexomatic.sink.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadinessFileTest {
  @TempDir Path tmp;

  @Test
  void touchedFileIsFreshAndRemovedFileIsNot() throws Exception {
    ReadinessFile f = new ReadinessFile(tmp.resolve("sub/ready"));
    assertThat(f.check(Duration.ofSeconds(30)).ok()).isFalse();
    f.touch();
    assertThat(f.check(Duration.ofSeconds(30)).ok()).isTrue();
    try (var files = Files.list(tmp.resolve("sub"))) {
      assertThat(files)
          .as("no temporary files left behind")
          .containsExactly(tmp.resolve("sub/ready"));
    }
    f.remove();
    assertThat(f.check(Duration.ofSeconds(30)))
        .isEqualTo(new ReadinessFile.Verdict(false, tmp.resolve("sub/ready") + " does not exist"));
  }

  @Test
  void fileOlderThanMaxAgeIsStale() throws Exception {
    Instant then = Instant.parse("2030-01-01T00:00:00Z");
    new ReadinessFile(tmp.resolve("ready"), Clock.fixed(then, ZoneOffset.UTC)).touch();
    ReadinessFile later =
        new ReadinessFile(tmp.resolve("ready"), Clock.fixed(then.plusSeconds(31), ZoneOffset.UTC));
    ReadinessFile.Verdict v = later.check(Duration.ofSeconds(30));
    assertThat(v.ok()).isFalse();
    assertThat(v.reason()).contains("stale").contains("31 s ago");
    assertThat(later.check(Duration.ofSeconds(60)).ok()).isTrue();
  }
}
