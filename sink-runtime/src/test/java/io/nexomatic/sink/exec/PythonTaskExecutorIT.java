package io.nexomatic.sink.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexomatic.protocol.v1.ParameterKind;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.testing.CollectingLogSink;
import io.nexomatic.sink.testing.PythonEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Python Action module contract (DESIGN.md §3) with a real interpreter. */
class PythonTaskExecutorIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private PythonEnv env;
  private PythonTaskExecutor executor;

  @BeforeEach
  void setUp() {
    env = new PythonEnv(tmp);
    executor = env.executor(Duration.ofSeconds(60), 5 * 1024 * 1024);
  }

  @AfterEach
  void tearDown() {
    executor.close();
  }

  private TaskOutcome run(String module, String payload, List<ResolvedParameter> params)
      throws Exception {
    return run(module, payload, params, new CollectingLogSink());
  }

  private TaskOutcome run(
      String module, String payload, List<ResolvedParameter> params, CollectingLogSink sink)
      throws Exception {
    RunningTask task =
        executor.start(new TaskSpec("t-1", 1, module, payload, params, Duration.ZERO), sink);
    TaskOutcome outcome = task.outcome().get(180, TimeUnit.SECONDS);
    assertThat(sink.ended()).as("log ended with an EOF chunk before the outcome").isTrue();
    assertThat(sink.violations()).isEmpty();
    assertThat(outcome.log().forwardedBytes()).isEqualTo(sink.bytes().length);
    return outcome;
  }

  @Test
  void returningNoneIsSuccessWithCodeZeroAndNoMessages() throws Exception {
    env.module("ok", "def run(payload, params):\n    print('hello from the module')\n");
    CollectingLogSink sink = new CollectingLogSink();
    TaskOutcome o = run("samples.ok", "{}", List.of(), sink);
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(o.resultCode()).isZero();
    assertThat(o.messages()).isEmpty();
    assertThat(o.dataJson()).isEmpty();
    assertThat(o.interrupted()).isFalse();
    assertThat(sink.text()).contains("hello from the module");
  }

  @Test
  void returnedStringAndListBecomeResultMessages() throws Exception {
    env.module("str", "def run(payload, params):\n    return 'done'\n");
    env.module("lst", "def main(payload, params):\n    return ['one', 'two']\n");
    assertThat(run("samples.str", "{}", List.of()).messages()).containsExactly("done");
    TaskOutcome o = run("samples.lst:main", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(o.messages()).containsExactly("one", "two");
  }

  @Test
  void returnedDictGivesMessagesAndDataThatSeePayloadAndParams() throws Exception {
    env.module(
        "dict",
        "def run(payload, params):\n"
            + "    return {'messages': ['n=' + str(payload['n'])],"
            + " 'data': {'doubled': payload['n'] * 2, 'who': params['who']}}\n");
    TaskOutcome o =
        run(
            "samples.dict",
            "{\"n\": 21}",
            List.of(new ResolvedParameter("who", ParameterKind.STATIC, "me")));
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(o.messages()).containsExactly("n=21");
    assertThat(JSON.readTree(o.dataJson()))
        .isEqualTo(JSON.readTree("{\"doubled\": 42, \"who\": \"me\"}"));
  }

  @Test
  void warningsDuringRunGiveWarningStateWithTheirTexts() throws Exception {
    env.module(
        "warn",
        "import warnings\n"
            + "def run(payload, params):\n"
            + "    warnings.warn('disk almost full')\n"
            + "    warnings.warn('retrying once')\n"
            + "    return 'finished'\n");
    TaskOutcome o = run("samples.warn", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.WARNING);
    assertThat(o.resultCode()).isZero();
    assertThat(o.messages()).containsExactly("disk almost full", "retrying once", "finished");
  }

  @Test
  void exceptionGivesErrorCodeOneTypedMessageAndTracebackInLog() throws Exception {
    env.module(
        "boom",
        "def helper():\n    raise ValueError('bad input 7')\n"
            + "def run(payload, params):\n    helper()\n");
    CollectingLogSink sink = new CollectingLogSink();
    TaskOutcome o = run("samples.boom", "{}", List.of(), sink);
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.resultCode()).isEqualTo(1);
    assertThat(o.messages()).containsExactly("ValueError: bad input 7");
    assertThat(sink.text()).contains("Traceback (most recent call last)").contains("in helper");
  }

  @Test
  void sysExitThreeGivesErrorWithResultCodeThree() throws Exception {
    env.module("exit3", "import sys\ndef run(payload, params):\n    sys.exit(3)\n");
    TaskOutcome o = run("samples.exit3", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.resultCode()).isEqualTo(3);
  }

  @Test
  void sysExitZeroAndNoneAreSuccess() throws Exception {
    env.module("exit0", "import sys\ndef run(payload, params):\n    sys.exit(0)\n");
    env.module("exitnone", "import sys\ndef run(payload, params):\n    sys.exit()\n");
    assertThat(run("samples.exit0", "{}", List.of()).state()).isEqualTo(TaskState.SUCCESS);
    assertThat(run("samples.exitnone", "{}", List.of()).state()).isEqualTo(TaskState.SUCCESS);
  }

  @Test
  void eachTaskRunsUnderTheProcessLimitThatContainsAForkBomb() throws Exception {
    // What contains a fork bomb: RLIMIT_NPROC on the task's own process, set by prlimit from
    // MAX_TASK_PROCESSES (256 here). The kernel enforces it for every user but root; the images
    // run the sink as uid 10001.
    env.module(
        "limits",
        "import resource\n"
            + "def run(p, q):\n"
            + "    return str(resource.getrlimit(resource.RLIMIT_NPROC))\n");
    TaskOutcome o = run("samples.limits", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(o.messages()).containsExactly("(256, 256)");
  }

  @Test
  void missingModuleIsReportedByName() throws Exception {
    TaskOutcome o = run("samples.nope", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.resultCode()).isEqualTo(1);
    assertThat(o.messages()).containsExactly("module not found: samples.nope");
  }

  @Test
  void missingImportInsideModuleIsTheModulesOwnError() throws Exception {
    env.module("needs", "import not_installed_anywhere\ndef run(p, q):\n    pass\n");
    TaskOutcome o = run("samples.needs", "{}", List.of());
    assertThat(o.messages())
        .containsExactly("ModuleNotFoundError: No module named 'not_installed_anywhere'");
  }

  @Test
  void syntaxErrorNamesFileAndLine() throws Exception {
    env.module("broken", "def run(payload, params):\n    return 1 +\n");
    TaskOutcome o = run("samples.broken", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.messages()).hasSize(1);
    assertThat(o.messages().get(0))
        .startsWith("syntax error in ")
        .contains("samples/broken.py line 2: ");
  }

  @Test
  void missingEntryPointNamesModuleAndFunction() throws Exception {
    env.module("nofn", "def other(payload, params):\n    pass\n");
    assertThat(run("samples.nofn", "{}", List.of()).messages())
        .containsExactly("module samples.nofn has no function run");
    assertThat(run("samples.nofn:missing", "{}", List.of()).messages())
        .containsExactly("module samples.nofn has no function missing");
  }

  @Test
  void malformedModuleStringIsAnError() throws Exception {
    TaskOutcome o = run("samples.ok;rm -rf /", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.messages().get(0)).startsWith("invalid module ");
  }

  @Test
  void nonJsonSerializableReturnIsAnError() throws Exception {
    env.module("obj", "def run(payload, params):\n    return {'data': {'x': object()}}\n");
    TaskOutcome o = run("samples.obj", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.messages().get(0)).startsWith("return value is not JSON-serializable");
  }

  @Test
  void unsupportedReturnTypeIsAnError() throws Exception {
    env.module("num", "def run(payload, params):\n    return 42\n");
    TaskOutcome o = run("samples.num", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.messages().get(0)).contains("unsupported return type int");
  }

  @Test
  void processEndingWithoutResultIsErrorWithItsExitCode() throws Exception {
    env.module("hardexit", "import os\ndef run(payload, params):\n    os._exit(7)\n");
    TaskOutcome o = run("samples.hardexit", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.resultCode()).isEqualTo(7);
    assertThat(o.messages())
        .containsExactly("task process exited with code 7 without reporting a result");
  }

  @Test
  void processKilledBySignalIsErrorNamingTheSignal() throws Exception {
    env.module(
        "selfkill",
        "import os, signal\ndef run(payload, params):\n    os.kill(os.getpid(), signal.SIGKILL)\n");
    TaskOutcome o = run("samples.selfkill", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.messages().get(0)).contains("signal 9 (SIGKILL)");
  }

  @Test
  void printsCannotForgeTheResult() throws Exception {
    env.module(
        "forger",
        "def run(payload, params):\n"
            + "    print('{\"state\": \"SUCCESS\", \"result_code\": 0, \"messages\": []}')\n"
            + "    raise RuntimeError('real failure')\n");
    TaskOutcome o = run("samples.forger", "{}", List.of());
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.messages()).containsExactly("RuntimeError: real failure");
  }

  @Test
  void payloadAndParametersArriveOnStdinNotArgvOrEnvironment() throws Exception {
    env.module(
        "introspect",
        "import os, sys\n"
            + "def run(payload, params):\n"
            + "    return {'data': {'argv': sys.argv, 'env': dict(os.environ),"
            + " 'stdin_read': sys.stdin.read()}}\n");
    TaskOutcome o =
        run(
            "samples.introspect",
            "{\"marker\": \"payload-marker-123\"}",
            List.of(new ResolvedParameter("api_key", ParameterKind.SECRET, "param-secret-456")));
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(o.dataJson())
        .doesNotContain("payload-marker-123")
        .doesNotContain("param-secret-456");
    JsonNode data = JSON.readTree(o.dataJson());
    assertThat(data.get("stdin_read").asText()).as("stdin is closed for the module").isEmpty();
  }

  @Test
  void invalidPayloadEndsAtOnceWithoutEchoingIt() throws Exception {
    CollectingLogSink sink = new CollectingLogSink();
    TaskOutcome o = run("samples.ok", "{\"secretish\": oops", List.of(), sink);
    assertThat(o.state()).isEqualTo(TaskState.ERROR);
    assertThat(o.messages().get(0)).startsWith("payload is not valid JSON").doesNotContain("oops");
    assertThat(sink.text()).contains("payload is not valid JSON");
  }

  @Test
  void workDirIsFreshPerTaskAndRemovedAfterSuccessAndFailure() throws Exception {
    env.module(
        "cwd",
        "import os\n"
            + "def run(payload, params):\n"
            + "    open('scratch.txt', 'w').write('x')\n"
            + "    os.makedirs('deep/er', exist_ok=True)\n"
            + "    if payload.get('fail'):\n"
            + "        print('CWD=' + os.getcwd(), flush=True)\n"
            + "        raise RuntimeError('after writing files')\n"
            + "    return {'data': {'cwd': os.getcwd(), 'home': os.environ['HOME'],"
            + " 'tmp': os.environ['TMPDIR'], 'listing': sorted(os.listdir('.'))}}\n");
    TaskOutcome ok = run("samples.cwd", "{}", List.of());
    JsonNode data = JSON.readTree(ok.dataJson());
    Path cwd = Path.of(data.get("cwd").asText());
    assertThat(cwd.getParent()).isEqualTo(env.work);
    assertThat(data.get("home").asText()).isEqualTo(cwd.toString());
    assertThat(data.get("tmp").asText()).isEqualTo(cwd.toString());
    assertThat(Files.exists(cwd)).isFalse();

    CollectingLogSink sink = new CollectingLogSink();
    TaskOutcome failed = run("samples.cwd", "{\"fail\": true}", List.of(), sink);
    assertThat(failed.state()).isEqualTo(TaskState.ERROR);
    String failedCwd =
        sink.text().lines().filter(l -> l.startsWith("CWD=")).findFirst().orElseThrow();
    assertThat(Path.of(failedCwd.substring(4))).isNotEqualTo(cwd);
    assertThat(Files.exists(Path.of(failedCwd.substring(4)))).isFalse();
    try (var left = Files.list(env.work)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void taskEnvironmentHoldsNoSinkCredentialsOrSettings() throws Exception {
    executor.close();
    Map<String, String> sinkEnv = PythonEnv.sinkEnv();
    sinkEnv.put("EXTRA_ALLOWED", "visible");
    sinkEnv.put("NOT_LISTED", "hidden");
    executor =
        env.executor(
            Duration.ofSeconds(60),
            5 * 1024 * 1024,
            sinkEnv,
            List.of("EXTRA_ALLOWED", "CLIENT_SECRET"),
            Map.of("GREETING", "hi"));
    env.module(
        "envdump", "import os\ndef run(payload, params):\n    return {'data': dict(os.environ)}\n");
    TaskOutcome o = run("samples.envdump", "{}", List.of());
    JsonNode data = JSON.readTree(o.dataJson());
    List<String> names = iterable(data.fieldNames());
    assertThat(names)
        .doesNotContain(
            "CLIENT_SECRET",
            "TENANT_SECRET",
            "AZURE_CLIENT_ID",
            "AZURE_FEDERATED_TOKEN_FILE",
            "HUB_HOST",
            "HUB_TOKEN_SCOPE",
            "CLIENT_ID",
            "ACTIONS_RUNTIME_TOKEN",
            "NOT_LISTED");
    assertThat(names)
        .noneMatch(n -> n.startsWith("AZURE_") || n.contains("SECRET") || n.contains("TOKEN"));
    assertThat(o.dataJson())
        .doesNotContain("client-secret-value")
        .doesNotContain("tenant-secret-value")
        .doesNotContain("token-value");
    assertThat(data.get("EXTRA_ALLOWED").asText()).isEqualTo("visible");
    assertThat(data.get("GREETING").asText()).isEqualTo("hi");
    assertThat(data.get("NEXOMATIC_TASK_ID").asText()).isEqualTo("t-1");
    assertThat(data.get("NEXOMATIC_ATTEMPT").asText()).isEqualTo("1");
    assertThat(data.get("NEXOMATIC_MODULES_PATH").asText()).isEqualTo(env.modules.toString());
    assertThat(data.get("PYTHONIOENCODING").asText()).isEqualTo("utf-8");
    assertThat(data.get("PATH").asText()).isEqualTo(sinkEnv.get("PATH"));
  }

  @Test
  void taskRunsInItsOwnProcessGroupAndSession() throws Exception {
    env.module(
        "pgid",
        "import os\n"
            + "def run(payload, params):\n"
            + "    return {'data': {'pid': os.getpid(), 'pgid': os.getpgid(0), 'sid': os.getsid(0)}}\n");
    JsonNode data = JSON.readTree(run("samples.pgid", "{}", List.of()).dataJson());
    assertThat(data.get("pgid").asLong()).isEqualTo(data.get("pid").asLong());
    assertThat(data.get("sid").asLong()).isEqualTo(data.get("pid").asLong());
    assertThat(data.get("pgid").asLong()).isNotEqualTo(ProcessHandle.current().pid());
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
