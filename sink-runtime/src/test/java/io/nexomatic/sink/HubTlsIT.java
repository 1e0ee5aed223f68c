package io.nexomatic.sink;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.hub.testing.TestPki;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.testing.PythonEnv;
import io.nexomatic.sink.testing.SinkProcess;
import io.nexomatic.sink.testing.TcpProxy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged sink against a TLS Hub over TCP, with a CA and certificates this test issues: it
 * verifies the Hub's certificate and honours TLS_SERVER_NAME, and each way of getting TLS wrong
 * ends in one log line that names the cause and the setting to change, while the sink keeps
 * retrying with back-off and runs nothing.
 */
class HubTlsIT {
  private static final String HUB_NAME = "hub.nexomatic.test";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private PythonEnv env;
  private TestPki ca;
  private HubServer hub;
  private TcpProxy proxy;
  private SinkProcess sink;

  @BeforeEach
  void pki() throws IOException {
    env = new PythonEnv(tmp);
    env.module("hello", "def run(payload, params):\n    return 'hello over TLS'\n");
    ca = TestPki.ca("nexomatic-test", tmp.resolve("pki"));
  }

  @AfterEach
  void stop() throws Exception {
    if (sink != null) {
      sink.close();
      assertThat(sink.output()).doesNotContain(BASE_SECRET);
    }
    if (proxy != null) {
      proxy.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private void startHub(TestPki.Issued certificate) throws IOException {
    hub =
        certificate == null
            ? new HubServer(
                    HubServer.nettyBuilder("127.0.0.1", 0),
                    HubConfig.builder().build(),
                    TestCredentials.credentials(),
                    TaskJournal.inMemory())
                .start()
            : certificate.startHub();
    proxy = new TcpProxy(hub.port());
  }

  private void startSink(Map<String, String> tls) throws IOException {
    sink = SinkProcess.start("tls-sink", proxy.port(), BASE_SECRET, env, new HashMap<>(tls));
  }

  /** TLS on, trusting {@code ca}, expecting the Hub's real name through the loopback address. */
  private static Map<String, String> trusting(TestPki ca) {
    return Map.of(
        "TLS_ENABLED", "true", "TLS_CA_FILE", ca.caFile().toString(), "TLS_SERVER_NAME", HUB_NAME);
  }

  private Task submit() throws Exception {
    return hub.core()
        .submit(
            SubmitTaskRequest.newBuilder()
                .setSinkType(BASE)
                .setModule("samples.hello")
                .setPayloadJson("{}")
                .build());
  }

  /** Waits for the one explained failure, then checks the sink retried and ran nothing. */
  private String refusedWith(String cause) throws Exception {
    Task t = submit();
    try {
      await()
          .atMost(WAIT)
          .failFast("the sink exited", () -> !sink.isAlive())
          .until(() -> proxy.connectionsAccepted() >= 2 && sink.output().contains(cause));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no \"" + cause + "\" in the sink's log:\n" + sink.output(), e);
    }
    List<String> lines =
        sink.output().lines().filter(l -> l.contains("cannot open a session")).toList();
    assertThat(lines).as("one line for one cause:%n%s", sink.output()).hasSize(1);
    assertThat(lines.get(0)).contains(cause).contains("retrying with back-off");
    assertThat(hub.core().get(t.getTaskId()).getState()).isEqualTo(TaskState.QUEUED);
    assertThat(sink.isAlive()).isTrue();
    return lines.get(0);
  }

  @Test
  void aSinkThatTrustsTheHubsCaAndNamesItsCertificateRunsTasks() throws Exception {
    startHub(ca.server("hub", HUB_NAME));
    // HUB_HOST is 127.0.0.1, as through a port-forward; the certificate carries the real name.
    startSink(trusting(ca));
    Task t = submit();
    await()
        .atMost(WAIT)
        .failFast("the sink exited", () -> !sink.isAlive())
        .until(() -> hub.core().get(t.getTaskId()).getState() == TaskState.SUCCESS);
    assertThat(hub.core().get(t.getTaskId()).getMessagesList()).containsExactly("hello over TLS");
  }

  @Test
  void aCertificateForAnotherNameIsRefusedAndTheLogNamesTlsServerName() throws Exception {
    startHub(ca.server("hub", HUB_NAME));
    startSink(Map.of("TLS_ENABLED", "true", "TLS_CA_FILE", ca.caFile().toString()));
    refusedWith("not valid for 127.0.0.1: set TLS_SERVER_NAME");
  }

  @Test
  void aCertificateFromAnUntrustedCaIsRefusedAndTheLogNamesTlsCaFile() throws Exception {
    startHub(ca.server("hub", HUB_NAME));
    TestPki other = TestPki.ca("someone-else", tmp.resolve("other"));
    startSink(trusting(other));
    refusedWith("not signed by a CA this side trusts: point TLS_CA_FILE");
  }

  @Test
  void anExpiredCertificateIsRefusedAsExpired() throws Exception {
    startHub(ca.expiredServer("hub-expired", HUB_NAME));
    startSink(trusting(ca));
    refusedWith("certificate has expired");
  }

  @Test
  void aPlaintextSinkAgainstATlsHubIsToldToTurnTlsOn() throws Exception {
    startHub(ca.server("hub", HUB_NAME));
    startSink(Map.of());
    refusedWith(
        "expects TLS on this port does with plaintext: if it does, set TLS_ENABLED to true");
  }

  @Test
  void aTlsSinkAgainstAPlaintextHubIsToldTheHubDoesNotSpeakTls() throws Exception {
    startHub(null);
    startSink(trusting(ca));
    refusedWith("the Hub does not speak TLS on this port: set TLS_ENABLED to false");
  }
}
