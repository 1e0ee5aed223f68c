package io.nexomatic.sink.exec;

import io.nexomatic.protocol.v1.TaskOffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What to run for one attempt of a task.
 *
 * @param taskId the Hub's task id
 * @param attempt the attempt number (from 1)
 * @param module the Action module: a Python import path ("pkg.mod[:function]") or a PowerShell
 *     script path / "Module\Function"
 * @param payloadJson the event data, a JSON object; empty means {}
 * @param parameters resolved parameters; SECRET values are masked in the task log
 * @param timeout the task's own timeout, or {@link Duration#ZERO} for the sink's TASK_TIMEOUT
 */
public record TaskSpec(
    String taskId,
    int attempt,
    String module,
    String payloadJson,
    List<ResolvedParameter> parameters,
    Duration timeout) {

  /** Validates and copies the fields. */
  public TaskSpec {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(module, "module");
    payloadJson = payloadJson == null ? "" : payloadJson;
    parameters = List.copyOf(parameters);
    timeout = timeout == null ? Duration.ZERO : timeout;
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative");
    }
  }

  /** The spec for an offered (and leased) task. */
  public static TaskSpec fromOffer(TaskOffer offer) {
    return new TaskSpec(
        offer.getTask().getTaskId(),
        offer.getTask().getAttempt(),
        offer.getModule(),
        offer.getPayloadJson(),
        offer.getParametersList().stream().map(ResolvedParameter::fromProto).toList(),
        Duration.ofSeconds(Integer.toUnsignedLong(offer.getTimeoutSeconds())));
  }

  /** The values to mask in the task's log. */
  public List<String> secretValues() {
    return parameters.stream()
        .filter(ResolvedParameter::isSecret)
        .map(ResolvedParameter::value)
        .toList();
  }
}
