package io.nexomatic.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.sink.probe.ReadinessFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkMainTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int exec(Map<String, String> env, String... args) {
    return SinkMain.execute(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void invalidConfigurationExitsTwoListingProblemsWithoutSecrets() {
    int code = exec(Map.of("CLIENT_SECRET", "do-not-print-me", "HUB_PORT", "0"));
    assertThat(code).isEqualTo(2);
    String e = err.toString(StandardCharsets.UTF_8);
    assertThat(e)
        .contains("HUB_HOST is required")
        .contains("HUB_PORT is 0")
        .doesNotContain("do-not-print-me");
  }

  @Test
  void probeReadyPassesOnlyForAFreshFile() throws Exception {
    Path ready = tmp.resolve("ready");
    Map<String, String> env = Map.of("READINESS_FILE", ready.toString());
    assertThat(exec(env, "probe")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("ready: " + ready + " does not exist\n");
    new ReadinessFile(ready).touch();
    assertThat(exec(env, "probe", "ready", "--max-age", "30")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("ready: ");
  }

  @Test
  void probeAliveUsesTheLivenessFile() throws Exception {
    Path alive = tmp.resolve("alive");
    Map<String, String> env =
        Map.of("LIVENESS_FILE", alive.toString(), "READINESS_FILE", tmp.resolve("r").toString());
    new ReadinessFile(alive).touch();
    assertThat(exec(env, "probe", "alive")).isZero();
    assertThat(exec(env, "probe", "ready")).isEqualTo(1);
  }

  @Test
  void unknownArgumentsPrintUsage() {
    assertThat(exec(Map.of(), "probe", "--bogus")).isEqualTo(2);
    assertThat(exec(Map.of(), "serve")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: nexomatic-sink");
  }
}
