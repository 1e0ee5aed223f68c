package io.nexomatic.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * sink.proto passes {@code buf lint} and {@code buf breaking} (WIRE_JSON) against the released
 * descriptor, and the self-test shows each check fails on a change that breaks it (scripts/buf.sh,
 * docs/protocol.md). buf comes from the Go module proxy, cached per machine; .ci/run builds it
 * before the tests, so that its minutes show apart.
 */
class ProtocolCompatibilityIT {

  @Test
  void theProtoLintsCleanBreaksNothingReleasedAndTheChecksCanFail()
      throws IOException, InterruptedException {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path script = root.resolve("scripts/buf.sh");
    assertThat(script).as("scripts/buf.sh beside sink-protocol/").exists();
    Path log = Files.createTempFile("buf-", ".log");
    Process p =
        new ProcessBuilder("bash", script.toString(), "check", "selftest")
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = p.waitFor(15, TimeUnit.MINUTES);
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    if (!ended) {
      p.destroyForcibly();
    }
    assertThat(ended).as("scripts/buf.sh ended within 15 minutes:\n%s", out).isTrue();
    assertThat(p.exitValue()).as("scripts/buf.sh check selftest:\n%s", out).isZero();
    assertThat(out)
        .contains("lint and breaking (WIRE_JSON against")
        .contains("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED reported")
        .contains("FIELD_SAME_JSON_NAME reported")
        .contains("RPC_NO_DELETE reported")
        .contains("FIELD_LOWER_SNAKE_CASE reported")
        .contains("selftest: passed");
  }
}
