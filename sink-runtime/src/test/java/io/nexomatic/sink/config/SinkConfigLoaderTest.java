package io.nexomatic.sink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nexomatic.hub.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SinkConfigLoaderTest {
  private static final String CLIENT_SECRET = "cs-very-secret-1";
  private static final String TENANT_SECRET = "ts-very-secret-2";

  @TempDir Path tmp;
  private Path modules;
  private final Map<String, String> resolved = new HashMap<>();

  /** Resolves every interpreter to a fake path, unless told the interpreter is missing. */
  private final InterpreterResolver fakeResolver =
      new InterpreterResolver() {
        @Override
        public Path resolve(String command, Map<String, String> env) throws ResolutionException {
          if (command.contains("missing")) {
            throw new ResolutionException(command + " was not found on PATH");
          }
          resolved.put("last", command);
          return Path.of("/opt/real", command);
        }
      };

  @BeforeEach
  void setUp() throws Exception {
    modules = Files.createDirectories(tmp.resolve("modules"));
  }

  private Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put("HUB_HOST", "hub.example.com");
    env.put("CLIENT_ID", "LOCAL:BASE");
    env.put("CLIENT_SECRET", CLIENT_SECRET);
    env.put("MODULES_PATH", modules.toString());
    return env;
  }

  private SinkConfig load(Map<String, String> env) throws ConfigException {
    return new SinkConfigLoader(fakeResolver).parse(env);
  }

  private ConfigException fail(Map<String, String> env) {
    return catchThrowableOfType(ConfigException.class, () -> load(env));
  }

  @Test
  void minimalEnvironmentGetsDocumentedDefaults() throws Exception {
    SinkConfig c = load(minimal());
    assertThat(c.hubPort()).isEqualTo(50051);
    assertThat(c.authMethod()).isEqualTo(AuthMethod.CLIENT_SECRET);
    assertThat(c.clientSecret().orElseThrow().reveal()).isEqualTo(CLIENT_SECRET);
    assertThat(c.tenantUuid()).isEmpty();
    assertThat(c.maxLogBytes()).isEqualTo(5_242_880L);
    assertThat(c.taskTimeout()).isEqualTo(Duration.ofSeconds(3600));
    assertThat(c.backpressureThreshold()).isEqualTo(10);
    assertThat(c.concurrency()).isEqualTo(4);
    assertThat(c.prefetch()).isEqualTo(1);
    assertThat(c.credits()).isEqualTo(5);
    assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(25));
    assertThat(c.killGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.tlsEnabled()).isFalse();
    assertThat(c.azureAuthorityHost().toString()).isEqualTo("https://login.microsoftonline.com/");
    assertThat(c.hubTokenScope()).isEqualTo("api://nexomatic-hub/.default");
    assertThat(c.executorKind()).isEqualTo(ExecutorKind.PYTHON);
    assertThat(c.interpreter()).isEqualTo(Path.of("/opt/real/python3"));
    assertThat(c.workDir())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "nexomatic-tasks"));
    assertThat(c.logFormat()).isEqualTo(LogFormat.JSON);
    assertThat(c.logLevel()).isEqualTo("INFO");
    assertThat(c.readinessFile()).isEqualTo(Path.of("/tmp/nexomatic/ready"));
    assertThat(c.livenessFile()).isEqualTo(Path.of("/tmp/nexomatic/alive"));
    assertThat(c.maxTaskProcesses()).isEqualTo(256);
    assertThat(c.taskEnvPassthrough()).isEmpty();
  }

  @Test
  void pwshSinkTypeSelectsPowerShellAndResolvesPwshInterpreter() throws Exception {
    Map<String, String> env = minimal();
    env.put("CLIENT_ID", "LOCAL:PWSH");
    env.put("PWSH_INTERPRETER", "pwsh-7");
    env.put("PYTHON_INTERPRETER", "python-missing");
    SinkConfig c = load(env);
    assertThat(c.executorKind()).isEqualTo(ExecutorKind.POWERSHELL);
    assertThat(c.interpreter()).isEqualTo(Path.of("/opt/real/pwsh-7"));
  }

  @Test
  void unknownSinkTypeRunsPython() throws Exception {
    Map<String, String> env = minimal();
    env.put("CLIENT_ID", "ACME:CUSTOM");
    assertThat(load(env).executorKind()).isEqualTo(ExecutorKind.PYTHON);
  }

  @Test
  void missingInterpreterForServedTypeNamesItsVariable() {
    Map<String, String> env = minimal();
    env.put("CLIENT_ID", "LOCAL:PWSH");
    env.put("PWSH_INTERPRETER", "pwsh-missing");
    assertThat(fail(env).problems())
        .singleElement()
        .asString()
        .startsWith("PWSH_INTERPRETER ")
        .contains("LOCAL:PWSH")
        .contains("pwsh-missing was not found on PATH");
  }

  @Test
  void everyProblemIsListedAtOnceEachNamingItsVariable() {
    Map<String, String> env = new HashMap<>();
    env.put("HUB_PORT", "70000");
    env.put("TENANT_UUID", "not-a-uuid");
    env.put("AUTH_METHOD", "kerberos");
    env.put("MAX_LOG_BYTES", "12");
    env.put("TASK_TIMEOUT", "soon");
    env.put("BACKPRESSURE_THRESHOLD", "0");
    env.put("CONCURRENCY", "0");
    env.put("PREFETCH", "-1");
    env.put("DRAIN_TIMEOUT", "x");
    env.put("KILL_GRACE", "1d");
    env.put("TLS_ENABLED", "maybe");
    env.put("MODULES_PATH", tmp.resolve("absent").toString());
    env.put("LOG_FORMAT", "xml");
    env.put("LOG_LEVEL", "LOUD");
    env.put("MAX_TASK_PROCESSES", "-5");
    env.put("TASK_ENV_PASSTHROUGH", "CLIENT_SECRET,OK_NAME,bad-name");
    env.put("TASK_ENV_AZURE_CLIENT_ID", "x");
    ConfigException e = fail(env);
    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).startsWith("HUB_HOST is required"))
        .anySatisfy(p -> assertThat(p).startsWith("HUB_PORT is 70000; set an integer 1-65535"))
        .anySatisfy(p -> assertThat(p).startsWith("CLIENT_ID is required"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("AUTH_METHOD is 'kerberos'; set client_secret or entra_id"))
        .anySatisfy(p -> assertThat(p).startsWith("TENANT_UUID is 'not-a-uuid', not a UUID"))
        .anySatisfy(
            p -> assertThat(p).startsWith("TENANT_SECRET is required when TENANT_UUID is set"))
        .anySatisfy(p -> assertThat(p).startsWith("MAX_LOG_BYTES is 12 bytes; set at least 1024"))
        .anySatisfy(p -> assertThat(p).startsWith("TASK_TIMEOUT is 'soon', not a duration"))
        .anySatisfy(
            p -> assertThat(p).startsWith("BACKPRESSURE_THRESHOLD is 0; set an integer at least 1"))
        .anySatisfy(p -> assertThat(p).startsWith("CONCURRENCY is 0; set an integer 1-256"))
        .anySatisfy(p -> assertThat(p).startsWith("PREFETCH is -1; set an integer 0-1000"))
        .anySatisfy(p -> assertThat(p).startsWith("DRAIN_TIMEOUT is 'x', not a duration"))
        .anySatisfy(p -> assertThat(p).startsWith("KILL_GRACE is '1d', not a duration"))
        .anySatisfy(p -> assertThat(p).startsWith("TLS_ENABLED is 'maybe'; set true or false"))
        .anySatisfy(
            p -> assertThat(p).startsWith("MODULES_PATH names ").contains("not a directory"))
        .anySatisfy(p -> assertThat(p).startsWith("LOG_FORMAT is 'xml'; set json or text"))
        .anySatisfy(p -> assertThat(p).startsWith("LOG_LEVEL is 'LOUD'"))
        .anySatisfy(p -> assertThat(p).startsWith("MAX_TASK_PROCESSES is -5"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "TASK_ENV_PASSTHROUGH lists CLIENT_SECRET, which tasks may never receive"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("TASK_ENV_PASSTHROUGH lists 'bad-name', not a variable name"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("TASK_ENV_AZURE_CLIENT_ID would give tasks AZURE_CLIENT_ID"));
    assertThat(e.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("CLIENT_SECRET is required when AUTH_METHOD=client_secret"));
    assertThat(e.problems()).hasSize(22);
    assertThat(e.getMessage()).startsWith("invalid sink configuration (22 problems):");
    for (String p : e.problems()) {
      assertThat(e.getMessage()).contains(p);
    }
  }

  @Test
  void clientSecretIsRequiredForClientSecretAuth() {
    Map<String, String> env = minimal();
    env.remove("CLIENT_SECRET");
    assertThat(fail(env).problems())
        .containsExactly(
            "CLIENT_SECRET is required when AUTH_METHOD=client_secret; set CLIENT_SECRET or CLIENT_SECRET_FILE");
  }

  @Test
  void secretAndItsFileTogetherAreRejectedWithoutEchoingTheSecret() throws Exception {
    Map<String, String> env = minimal();
    Path f = tmp.resolve("cs");
    Files.writeString(f, CLIENT_SECRET);
    env.put("CLIENT_SECRET_FILE", f.toString());
    ConfigException e = fail(env);
    assertThat(e.problems())
        .containsExactly("CLIENT_SECRET and CLIENT_SECRET_FILE are both set; set only one of them");
    assertThat(e.getMessage()).doesNotContain(CLIENT_SECRET);
  }

  @Test
  void secretsFromFilesAreReadWithoutTrailingNewline() throws Exception {
    Map<String, String> env = minimal();
    env.remove("CLIENT_SECRET");
    Path cs = tmp.resolve("client-secret");
    Path ts = tmp.resolve("tenant-secret");
    Files.writeString(cs, CLIENT_SECRET + "\n");
    Files.writeString(ts, TENANT_SECRET + "\r\n");
    env.put("CLIENT_SECRET_FILE", cs.toString());
    env.put("TENANT_UUID", "3f2c6a9e-1b7d-4c1e-9f5a-2d8b7e6c4a10");
    env.put("TENANT_SECRET_FILE", ts.toString());
    SinkConfig c = load(env);
    assertThat(c.clientSecret().orElseThrow().reveal()).isEqualTo(CLIENT_SECRET);
    assertThat(c.tenantSecret().orElseThrow().reveal()).isEqualTo(TENANT_SECRET);
    assertThat(c.tenantUuid()).contains(UUID.fromString("3f2c6a9e-1b7d-4c1e-9f5a-2d8b7e6c4a10"));
  }

  @Test
  void unreadableOrEmptySecretFileNamesTheFileVariable() throws Exception {
    Map<String, String> env = minimal();
    env.remove("CLIENT_SECRET");
    env.put("CLIENT_SECRET_FILE", tmp.resolve("nope").toString());
    env.put("TENANT_UUID", "3f2c6a9e-1b7d-4c1e-9f5a-2d8b7e6c4a10");
    Path empty = tmp.resolve("empty");
    Files.writeString(empty, "\n");
    env.put("TENANT_SECRET_FILE", empty.toString());
    assertThat(fail(env).problems())
        .satisfiesExactly(
            p ->
                assertThat(p)
                    .startsWith("CLIENT_SECRET_FILE names " + tmp.resolve("nope"))
                    .contains("cannot be read"),
            p -> assertThat(p).startsWith("TENANT_SECRET_FILE names " + empty).contains("empty"));
  }

  @Test
  void tenantSecretWithoutTenantUuidIsAProblem() {
    Map<String, String> env = minimal();
    env.put("TENANT_SECRET", TENANT_SECRET);
    ConfigException e = fail(env);
    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith("TENANT_SECRET is set without TENANT_UUID");
    assertThat(e.getMessage()).doesNotContain(TENANT_SECRET);
  }

  @Test
  void entraIdNeedsAzureVariablesButNoClientSecret() throws Exception {
    Map<String, String> env = minimal();
    env.remove("CLIENT_SECRET");
    env.put("AUTH_METHOD", "Entra_ID");
    assertThat(fail(env).problems())
        .satisfiesExactly(
            p -> assertThat(p).startsWith("AZURE_TENANT_ID is required when AUTH_METHOD=entra_id"),
            p -> assertThat(p).startsWith("AZURE_CLIENT_ID is required when AUTH_METHOD=entra_id"),
            p ->
                assertThat(p)
                    .startsWith(
                        "AZURE_FEDERATED_TOKEN_FILE is required when AUTH_METHOD=entra_id"));
    Path token = tmp.resolve("token");
    Files.writeString(token, "eyJ...");
    env.put("AZURE_TENANT_ID", "tenant");
    env.put("AZURE_CLIENT_ID", "client");
    env.put("AZURE_FEDERATED_TOKEN_FILE", token.toString());
    SinkConfig c = load(env);
    assertThat(c.authMethod()).isEqualTo(AuthMethod.ENTRA_ID);
    assertThat(c.clientSecret()).isEmpty();
    assertThat(c.azureFederatedTokenFile()).contains(token);
  }

  @ParameterizedTest
  @CsvSource({
    "5242880, 5242880",
    "5MB, 5242880",
    "5 MiB, 5242880",
    "5mb, 5242880",
    "1KB, 1024",
    "512KiB, 524288",
    "2G, 2147483648",
    "1GiB, 1073741824",
    "4096B, 4096"
  })
  void maxLogBytesAcceptsBytesAnd1024BasedSuffixes(String text, long bytes) throws Exception {
    Map<String, String> env = minimal();
    env.put("MAX_LOG_BYTES", text);
    assertThat(load(env).maxLogBytes()).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource({"90, 90", "90s, 90", "5m, 300", "1h, 3600", "2H, 7200"})
  void taskTimeoutAcceptsSecondsAndUnits(String text, long seconds) throws Exception {
    Map<String, String> env = minimal();
    env.put("TASK_TIMEOUT", text);
    assertThat(load(env).taskTimeout()).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @CsvSource({"true, true", "1, true", "YES, true", "false, false", "0, false", "no, false"})
  void booleansAcceptTrueFalseOneZeroYesNo(String text, boolean value) throws Exception {
    Map<String, String> env = minimal();
    env.put("TLS_ENABLED", text);
    assertThat(load(env).tlsEnabled()).isEqualTo(value);
  }

  @Test
  void zeroTaskTimeoutIsRejected() {
    Map<String, String> env = minimal();
    env.put("TASK_TIMEOUT", "0");
    assertThat(fail(env).problems())
        .singleElement()
        .asString()
        .startsWith("TASK_TIMEOUT is 0; set at least 1 s");
  }

  @Test
  void tlsSettingsWithoutTlsEnabledAreProblems() throws Exception {
    Map<String, String> env = minimal();
    Path ca = TestPki.ca("hub-ca", tmp).caFile();
    env.put("TLS_CA_FILE", ca.toString());
    env.put("TLS_SERVER_NAME", "hub.internal");
    assertThat(fail(env).problems())
        .containsExactly(
            "TLS_CA_FILE is set but TLS_ENABLED is false; set TLS_ENABLED=true",
            "TLS_SERVER_NAME is set but TLS_ENABLED is false; set TLS_ENABLED=true");
    env.put("TLS_ENABLED", "yes");
    SinkConfig c = load(env);
    assertThat(c.tlsCaFile()).contains(ca);
    assertThat(c.tlsServerName()).contains("hub.internal");
  }

  @Test
  void aCaFileWithoutACertificateIsRejectedBeforeAnyConnection() throws IOException {
    Map<String, String> env = minimal();
    Path notPem = tmp.resolve("ca.pem");
    Files.writeString(notPem, "-----BEGIN CERTIFICATE-----\nnot base64\n");
    env.put("TLS_ENABLED", "true");
    env.put("TLS_CA_FILE", notPem.toString());
    assertThat(fail(env).problems())
        .containsExactly(
            "TLS_CA_FILE names "
                + notPem
                + ", which holds no PEM certificate; give the CA certificate that issued the"
                + " Hub's (-----BEGIN CERTIFICATE-----)");
  }

  @Test
  void hubHostGivenAsUrlIsRejected() {
    Map<String, String> env = minimal();
    env.put("HUB_HOST", "https://hub.example.com");
    assertThat(fail(env).problems()).singleElement().asString().startsWith("HUB_HOST is a URL");
  }

  @Test
  void taskEnvVariablesAndPassthroughAreCollected() throws Exception {
    Map<String, String> env = minimal();
    env.put("TASK_ENV_PASSTHROUGH", " HTTP_TIMEOUT , REGION ");
    env.put("TASK_ENV_GREETING", "hello");
    SinkConfig c = load(env);
    assertThat(c.taskEnvPassthrough()).containsExactly("HTTP_TIMEOUT", "REGION");
    assertThat(c.taskEnvExtra()).containsOnlyKeys("GREETING");
    assertThat(c.taskEnvExtra().get("GREETING").reveal()).isEqualTo("hello");
  }

  @Test
  void toStringRedactsEverySecret() throws Exception {
    Map<String, String> env = minimal();
    env.put("TENANT_UUID", "3f2c6a9e-1b7d-4c1e-9f5a-2d8b7e6c4a10");
    env.put("TENANT_SECRET", TENANT_SECRET);
    env.put("TASK_ENV_API_URL", "https://api.example.com/?key=task-env-value");
    String s = load(env).toString();
    assertThat(s)
        .doesNotContain(CLIENT_SECRET)
        .doesNotContain(TENANT_SECRET)
        .doesNotContain("task-env-value")
        .contains("clientSecret=Optional[***]")
        .contains("tenantSecret=Optional[***]")
        .contains("API_URL=***")
        .contains("hub.example.com");
  }

  @Test
  void problemsNeverContainSecretValues() {
    Map<String, String> env = minimal();
    env.put("CLIENT_SECRET", CLIENT_SECRET);
    env.put("CLIENT_SECRET_FILE", "/nonexistent/" + "x");
    env.put("TENANT_SECRET", TENANT_SECRET);
    env.put("HUB_PORT", "nope");
    ConfigException e = fail(env);
    assertThat(e.getMessage()).doesNotContain(CLIENT_SECRET).doesNotContain(TENANT_SECRET);
  }

  @Test
  void loadUsesTheRealResolverOnThePathOfTheGivenEnvironment() {
    Map<String, String> env = minimal();
    env.put("PATH", tmp.toString());
    assertThatThrownBy(() -> SinkConfigLoader.load(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "PYTHON_INTERPRETER cannot be used by Sink Type LOCAL:BASE: python3 was not found on PATH");
  }
}
