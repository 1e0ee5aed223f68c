package io.nexomatic.hub.cli;

import io.nexomatic.protocol.TaskStates;
import io.nexomatic.protocol.v1.GetTaskRequest;
import io.nexomatic.protocol.v1.HubAdminGrpc;
import io.nexomatic.protocol.v1.ParameterKind;
import io.nexomatic.protocol.v1.ParameterSpec;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Submits a task; with --wait, waits for it to end and exits 0 only for SUCCESS or WARNING. */
@Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit a task.")
final class SubmitCommand extends AdminCommand {
  @Option(names = "--type", required = true, description = "Sink Type, e.g. LOCAL:BASE.")
  String sinkType;

  @Option(names = "--tenant", defaultValue = "", description = "Tenant uuid.")
  String tenant;

  @Option(
      names = "--module",
      required = true,
      description = "Action module, e.g. my_module.runner.")
  String module;

  @Option(names = "--payload", defaultValue = "{}", description = "Event data as a JSON object.")
  String payload;

  @Option(names = "--event-type", defaultValue = "manual", description = "Event type.")
  String eventType;

  @Option(names = "--param", description = "A STATIC parameter NAME=VALUE (repeatable).")
  Map<String, String> params = Map.of();

  @Option(
      names = "--data-param",
      description = "A DATA parameter NAME=FIELD read from the payload (repeatable).")
  Map<String, String> dataParams = Map.of();

  @Option(
      names = "--secret-param",
      description = "A SECRET parameter NAME=VALUE (repeatable; never logged, shown as ***).")
  Map<String, String> secretParams = Map.of();

  @Option(names = "--timeout", defaultValue = "0", description = "Timeout in seconds (0: sink's).")
  int timeoutSeconds;

  @Option(names = "--max-attempts", defaultValue = "0", description = "Attempts (0: Hub's).")
  int maxAttempts;

  @Option(names = "--request-id", defaultValue = "", description = "Idempotency key.")
  String requestId;

  @Option(names = "--wait", description = "Wait for the task to end.")
  boolean await;

  @Option(
      names = "--wait-timeout",
      defaultValue = "600",
      description = "Seconds to wait with --wait (default ${DEFAULT-VALUE}).")
  long waitTimeoutSeconds;

  @Override
  int run(HubAdminGrpc.HubAdminBlockingStub admin) throws Exception {
    List<ParameterSpec> parameters = new ArrayList<>();
    params.forEach((k, v) -> parameters.add(param(k, ParameterKind.STATIC, v)));
    dataParams.forEach((k, v) -> parameters.add(param(k, ParameterKind.DATA, v)));
    secretParams.forEach((k, v) -> parameters.add(param(k, ParameterKind.SECRET, v)));
    Task task =
        admin.submitTask(
            SubmitTaskRequest.newBuilder()
                .setSinkType(sinkType)
                .setTenantUuid(tenant)
                .setModule(module)
                .setPayloadJson(payload)
                .setEventType(eventType)
                .addAllParameters(parameters)
                .setTimeoutSeconds(timeoutSeconds)
                .setMaxAttempts(maxAttempts)
                .setClientRequestId(requestId)
                .build());
    if (!await) {
      print(task);
      return CommandLine.ExitCode.OK;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitTimeoutSeconds);
    while (!TaskStates.isTerminal(task.getState())) {
      if (System.nanoTime() > deadline) {
        print(task);
        err()
            .println(
                "error: task "
                    + task.getTaskId()
                    + " did not end within "
                    + waitTimeoutSeconds
                    + " s");
        return HubCli.EXIT_WAIT_TIMEOUT;
      }
      TimeUnit.MILLISECONDS.sleep(200);
      task = admin.getTask(GetTaskRequest.newBuilder().setTaskId(task.getTaskId()).build());
    }
    print(task);
    return task.getState() == TaskState.ERROR ? 1 : CommandLine.ExitCode.OK;
  }

  private static ParameterSpec param(String name, ParameterKind kind, String value) {
    return ParameterSpec.newBuilder().setName(name).setKind(kind).setValue(value).build();
  }
}
