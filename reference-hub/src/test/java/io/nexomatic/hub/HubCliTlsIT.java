package io.nexomatic.hub;

import static io.nexomatic.hub.testing.TestCredentials.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.hub.cli.HubCli;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.testing.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a TLS Hub over TCP at 127.0.0.1, as through a port-forward: the certificate
 * carries the Hub's real name, which {@code --tls-server-name} supplies, and a wrong or missing
 * option is explained in the CLI's own options.
 */
class HubCliTlsIT {
  private static final String HUB_NAME = "hub.nexomatic.test";

  @TempDir Path tmp;
  private TestPki ca;
  private HubServer server;

  @BeforeEach
  void start() throws Exception {
    ca = TestPki.ca("nexomatic-test", tmp);
    var certificate = ca.server("hub", HUB_NAME);
    server = certificate.startHub();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private record Run(int exit, String out, String err) {}

  private Run stats(String... tls) {
    List<String> args =
        new ArrayList<>(
            List.of("stats", "--hub", "127.0.0.1:" + server.port(), "--token", ADMIN_TOKEN));
    args.addAll(List.of(tls));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        HubCli.run(
            new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void theCaAndTheHubsRealNameReachItThroughALoopbackAddress() {
    Run run = stats("--tls-ca", ca.caFile().toString(), "--tls-server-name", HUB_NAME);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"stats\"");
  }

  @Test
  void withoutTheServerNameTheErrorSaysWhichOptionFixesIt() {
    Run run = stats("--tls-ca", ca.caFile().toString());

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err()).contains("not valid for 127.0.0.1: set --tls-server-name");
  }

  @Test
  void plaintextAgainstTheTlsHubIsToldToPassTheCa() {
    Run run = stats();

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err()).contains("pass --tls-ca with the CA that issued the Hub's certificate");
  }

  @Test
  void aServerNameWithoutTlsIsAUsageError() {
    Run run = stats("--tls-server-name", HUB_NAME);

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--tls-server-name needs --tls-ca");
  }
}
