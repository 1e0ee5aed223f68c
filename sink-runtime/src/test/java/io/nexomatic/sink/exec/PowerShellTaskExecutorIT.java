package io.nexomatic.sink.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexomatic.hub.testing.RequiredTool;
import io.nexomatic.protocol.v1.ParameterKind;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.config.InterpreterResolver;
import io.nexomatic.sink.testing.CollectingLogSink;
import io.nexomatic.sink.testing.PythonEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PowerShell executor: its process contract checked with a stand-in interpreter everywhere, and
 * the real bootstrap with pwsh where it is installed.
 */
class PowerShellTaskExecutorIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A stand-in "pwsh": checks it was called as `pwsh -NoProfile -NonInteractive -File
   * .../nexomatic_bootstrap.ps1`, reads the stdin document, logs, and writes the result file the
   * way the real bootstrap does. Any contract violation ends ERROR with the reason.
   */
  private static String standIn(Path python) {
    return "#!"
        + python
        + "\n"
        + "import json, os, sys\n"
        + "def result(state, code, messages, data=None):\n"
        + "    with open(os.environ['NEXOMATIC_RESULT_FILE'], 'w') as f:\n"
        + "        json.dump({'state': state, 'result_code': code, 'messages': messages, 'data': data}, f)\n"
        + "    sys.exit(code)\n"
        + "args = sys.argv[1:]\n"
        + "if args[:3] != ['-NoProfile', '-NonInteractive', '-File'] or len(args) != 4 \\\n"
        + "        or not args[3].endswith('/nexomatic_bootstrap.ps1') or not os.path.isfile(args[3]):\n"
        + "    result('ERROR', 90, ['bad argv: %r' % args])\n"
        + "req = json.loads(sys.stdin.read())\n"
        + "if set(req) != {'task_id', 'attempt', 'module', 'payload', 'params'}:\n"
        + "    result('ERROR', 91, ['bad stdin keys: %r' % sorted(req)])\n"
        + "print('stand-in pwsh running ' + req['module'], flush=True)\n"
        + "script = os.path.join(os.environ['NEXOMATIC_MODULES_PATH'], req['module'])\n"
        + "if not os.path.isfile(script):\n"
        + "    result('ERROR', 1, ['module not found: ' + req['module']])\n"
        + "print('using ' + req['params']['Password'], flush=True)\n"
        + "result('WARNING', 0, ['stand-in warning'], {'payload': req['payload'],\n"
        + "       'param_names': sorted(req['params']), 'task_id': req['task_id'],\n"
        + "       'secret_in_env': any(req['params']['Password'] in v for v in os.environ.values())})\n";
  }

  @Test
  void standInInterpreterReceivesTheContractedCommandLineStdinAndResultFile(@TempDir Path tmp)
      throws Exception {
    PythonEnv env = new PythonEnv(tmp);
    Path fakePwsh = tmp.resolve("bin/pwsh");
    Files.createDirectories(fakePwsh.getParent());
    Files.writeString(fakePwsh, standIn(PythonEnv.python()), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(fakePwsh, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(env.modules.resolve("Reports"));
    Files.writeString(env.modules.resolve("Reports/Send-Report.ps1"), "param($Payload, $Params)\n");

    Path resolved = new InterpreterResolver().resolve(fakePwsh.toString(), PythonEnv.sinkEnv());
    ExecutionSettings settings =
        new ExecutionSettings(
            resolved,
            env.work,
            env.modules,
            Duration.ofSeconds(60),
            Duration.ofSeconds(2),
            1 << 20,
            0);
    try (PowerShellTaskExecutor executor =
        new PowerShellTaskExecutor(
            settings,
            new TaskEnvironment(PythonEnv.sinkEnv(), List.of(), java.util.Map.of(), env.modules),
            PythonEnv.sinkEnv())) {
      CollectingLogSink sink = new CollectingLogSink();
      TaskOutcome o =
          executor
              .start(
                  new TaskSpec(
                      "ps-1",
                      1,
                      "Reports/Send-Report.ps1",
                      "{\"report\": \"daily\"}",
                      List.of(
                          new ResolvedParameter(
                              "Recipient", ParameterKind.STATIC, "ops@example.com"),
                          new ResolvedParameter("Password", ParameterKind.SECRET, "pw-secret-987")),
                      Duration.ZERO),
                  sink)
              .outcome()
              .get(180, TimeUnit.SECONDS);
      assertThat(o.messages()).containsExactly("stand-in warning");
      assertThat(o.state()).isEqualTo(TaskState.WARNING);
      JsonNode data = JSON.readTree(o.dataJson());
      assertThat(data.get("payload")).isEqualTo(JSON.readTree("{\"report\": \"daily\"}"));
      assertThat(data.get("param_names").toString()).isEqualTo("[\"Password\",\"Recipient\"]");
      assertThat(data.get("secret_in_env").asBoolean()).isFalse();
      assertThat(sink.text())
          .contains("stand-in pwsh running Reports/Send-Report.ps1")
          .contains("using ***")
          .doesNotContain("pw-secret-987");

      TaskOutcome missing =
          executor
              .start(
                  new TaskSpec("ps-2", 1, "Nope/Missing.ps1", "{}", List.of(), Duration.ZERO),
                  new CollectingLogSink())
              .outcome()
              .get(180, TimeUnit.SECONDS);
      assertThat(missing.state()).isEqualTo(TaskState.ERROR);
      assertThat(missing.messages()).containsExactly("module not found: Nope/Missing.ps1");
    }
  }

  @Test
  void realPwshRunsScriptsWithWarningsErrorsAndExitCodes(@TempDir Path tmp) throws Exception {
    Optional<Path> pwsh = findPwsh();
    if (pwsh.isEmpty()) {
      RequiredTool.skip(
          "pwsh is not on the PATH: the real PowerShell bootstrap is not exercised here");
    }
    PythonEnv env = new PythonEnv(tmp);
    Path reports = Files.createDirectories(env.modules.resolve("Reports"));
    Files.writeString(
        reports.resolve("Send-Report.ps1"),
        "param($Payload, $Params)\n"
            + "Write-Output \"sending $($Payload.report) to $($Params.Recipient)\"\n"
            + "Write-Warning 'mailbox almost full'\n"
            + "@{ messages = @('sent'); data = @{ count = 3 } }\n");
    Files.writeString(
        reports.resolve("Fail.ps1"), "param($Payload, $Params)\nthrow 'no route to mail server'\n");
    Files.writeString(reports.resolve("Exit4.ps1"), "param($Payload, $Params)\nexit 4\n");
    ExecutionSettings settings =
        new ExecutionSettings(
            new InterpreterResolver().resolve(pwsh.get().toString(), System.getenv()),
            env.work,
            env.modules,
            Duration.ofSeconds(120),
            Duration.ofSeconds(2),
            1 << 20,
            0);
    try (PowerShellTaskExecutor executor =
        new PowerShellTaskExecutor(
            settings,
            new TaskEnvironment(PythonEnv.sinkEnv(), List.of(), java.util.Map.of(), env.modules),
            PythonEnv.sinkEnv())) {
      CollectingLogSink sink = new CollectingLogSink();
      TaskOutcome ok =
          executor
              .start(
                  new TaskSpec(
                      "ps-1",
                      1,
                      "Reports/Send-Report.ps1",
                      "{\"report\": \"daily\"}",
                      List.of(
                          new ResolvedParameter(
                              "Recipient", ParameterKind.STATIC, "ops@example.com")),
                      Duration.ZERO),
                  sink)
              .outcome()
              .get(180, TimeUnit.SECONDS);
      assertThat(ok.state()).isEqualTo(TaskState.WARNING);
      assertThat(ok.messages()).containsExactly("mailbox almost full", "sent");
      assertThat(JSON.readTree(ok.dataJson()).get("count").asInt()).isEqualTo(3);
      assertThat(sink.text()).contains("sending daily to ops@example.com");

      TaskOutcome failed =
          executor
              .start(
                  new TaskSpec("ps-2", 1, "Reports/Fail.ps1", "{}", List.of(), Duration.ZERO),
                  new CollectingLogSink())
              .outcome()
              .get(180, TimeUnit.SECONDS);
      assertThat(failed.state()).isEqualTo(TaskState.ERROR);
      assertThat(failed.resultCode()).isEqualTo(1);
      assertThat(failed.messages().get(failed.messages().size() - 1))
          .contains("no route to mail server");

      TaskOutcome exit4 =
          executor
              .start(
                  new TaskSpec("ps-3", 1, "Reports/Exit4.ps1", "{}", List.of(), Duration.ZERO),
                  new CollectingLogSink())
              .outcome()
              .get(180, TimeUnit.SECONDS);
      assertThat(exit4.state()).isEqualTo(TaskState.ERROR);
      assertThat(exit4.resultCode()).isEqualTo(4);
    }
  }

  private static Optional<Path> findPwsh() {
    try {
      return Optional.of(
          InterpreterResolver.locate("pwsh", System.getenv().getOrDefault("PATH", "")));
    } catch (InterpreterResolver.ResolutionException e) {
      return Optional.empty();
    }
  }
}
