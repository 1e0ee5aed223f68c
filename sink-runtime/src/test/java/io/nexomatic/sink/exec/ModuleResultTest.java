package io.nexomatic.sink.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.protocol.v1.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleResultTest {
  @TempDir Path tmp;

  private ModuleResult read(String json, int exit) throws Exception {
    Path f = tmp.resolve("r.json");
    Files.writeString(f, json);
    return ModuleResult.read(f, exit).orElseThrow();
  }

  @Test
  void wellFormedResultIsTakenAsWritten() throws Exception {
    ModuleResult r =
        read(
            "{\"state\":\"WARNING\",\"result_code\":0,\"messages\":[\"w\"],\"data\":{\"a\":1}}", 0);
    assertThat(r.state()).isEqualTo(TaskState.WARNING);
    assertThat(r.messages()).containsExactly("w");
    assertThat(r.dataJson()).isEqualTo("{\"a\":1}");
  }

  @Test
  void missingFileMeansNoResult() {
    assertThat(ModuleResult.read(tmp.resolve("absent"), 3)).isEmpty();
  }

  @Test
  void invalidStateOrGarbageIsAnError() throws Exception {
    assertThat(read("{\"state\":\"RUNNING\"}", 0).state()).isEqualTo(TaskState.ERROR);
    ModuleResult garbage = read("not json", 0);
    assertThat(garbage.state()).isEqualTo(TaskState.ERROR);
    assertThat(garbage.resultCode()).isEqualTo(1);
  }

  @Test
  void pendingResultTakesTheExitCodeAsResultCode() throws Exception {
    String pending = "{\"pending\":true,\"exit_code_is_result\":true,\"messages\":[]}";
    assertThat(read(pending, 0).state()).isEqualTo(TaskState.SUCCESS);
    ModuleResult five = read(pending, 5);
    assertThat(five.state()).isEqualTo(TaskState.ERROR);
    assertThat(five.resultCode()).isEqualTo(5);
  }

  @Test
  void missingResultIsDescribedBySignalOrExitCode() {
    assertThat(SubprocessRunningTask.describeMissingResult(137)).contains("signal 9 (SIGKILL)");
    assertThat(SubprocessRunningTask.describeMissingResult(143)).contains("signal 15 (SIGTERM)");
    assertThat(SubprocessRunningTask.describeMissingResult(7)).contains("exited with code 7");
  }
}
