package io.nexomatic.sink.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexomatic.protocol.v1.Parameter;
import io.nexomatic.protocol.v1.ParameterKind;
import io.nexomatic.protocol.v1.TaskOffer;
import io.nexomatic.protocol.v1.TaskRef;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubprocessTaskRunnerTest {
  @Test
  void stdinDocumentCarriesModulePayloadAndParameters() throws Exception {
    TaskSpec spec =
        new TaskSpec(
            "t",
            2,
            "pkg.mod:main",
            "{\"a\": [1, 2]}",
            List.of(
                new ResolvedParameter("k", ParameterKind.SECRET, "v"),
                new ResolvedParameter("s", ParameterKind.STATIC, "x")),
            Duration.ZERO);
    var doc = new ObjectMapper().readTree(SubprocessTaskRunner.stdinDocument(spec));
    assertThat(doc.toString())
        .isEqualTo(
            "{\"task_id\":\"t\",\"attempt\":2,\"module\":\"pkg.mod:main\",\"payload\":{\"a\":[1,2]},"
                + "\"params\":{\"k\":\"v\",\"s\":\"x\"}}");
  }

  @Test
  void emptyPayloadIsAnEmptyObjectAndNonObjectPayloadIsRejected() throws Exception {
    TaskSpec empty = new TaskSpec("t", 1, "m", "", List.of(), Duration.ZERO);
    assertThat(
            new ObjectMapper()
                .readTree(SubprocessTaskRunner.stdinDocument(empty))
                .get("payload")
                .toString())
        .isEqualTo("{}");
    TaskSpec array = new TaskSpec("t", 1, "m", "[1]", List.of(), Duration.ZERO);
    assertThatThrownBy(() -> SubprocessTaskRunner.stdinDocument(array))
        .hasMessage("payload must be a JSON object");
  }

  @Test
  void specFromOfferKeepsEveryFieldAndRedactsSecretsInToString() {
    TaskOffer offer =
        TaskOffer.newBuilder()
            .setTask(TaskRef.newBuilder().setTaskId("t-1").setAttempt(4))
            .setModule("a.b")
            .setPayloadJson("{}")
            .setTimeoutSeconds(90)
            .addParameters(
                Parameter.newBuilder()
                    .setName("pw")
                    .setKind(ParameterKind.SECRET)
                    .setValue("hidden-1"))
            .build();
    TaskSpec spec = TaskSpec.fromOffer(offer);
    assertThat(spec.attempt()).isEqualTo(4);
    assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(spec.secretValues()).containsExactly("hidden-1");
    assertThat(spec.toString()).doesNotContain("hidden-1").contains("value=***");
  }
}
