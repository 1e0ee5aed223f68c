package io.nexomatic.hub;

import static io.nexomatic.hub.testing.TestCredentials.ADMIN_TOKEN;
import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.nexomatic.hub.cli.HubCli;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI against a Hub on real Netty over TCP on 127.0.0.1, with a sink on its own channel. */
class HubCliIT {
  private HubServer server;
  private ManagedChannel sinkChannel;
  private String hub;

  @BeforeEach
  void start() throws Exception {
    server =
        new HubServer(
                HubServer.nettyBuilder("127.0.0.1", 0),
                // The scripted sink sends no heartbeats of its own: a long interval keeps the Hub
                // from closing its session as silent while a loaded CI machine runs the CLI.
                HubConfig.builder()
                    .heartbeatInterval(Duration.ofSeconds(60))
                    .leaseTtl(Duration.ofMinutes(5))
                    .offerTimeout(Duration.ofMinutes(2))
                    .build(),
                TestCredentials.credentials(),
                TaskJournal.inMemory())
            .start();
    hub = "127.0.0.1:" + server.port();
    sinkChannel = Grpc.newChannelBuilder(hub, InsecureChannelCredentials.create()).build();
  }

  @AfterEach
  void stop() throws Exception {
    sinkChannel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    server.close();
  }

  private record Run(int exit, String out, String err) {}

  private Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] full = new String[args.length + 4];
    System.arraycopy(args, 0, full, 0, 1);
    full[1] = "--hub";
    full[2] = hub;
    full[3] = "--token";
    full[4] = ADMIN_TOKEN;
    System.arraycopy(args, 1, full, 5, args.length - 1);
    int exit = HubCli.run(new PrintWriter(out, true), new PrintWriter(err, true), full);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void submitWaitPrintsTheFinalTaskAndExitsZeroForSuccess() throws Exception {
    ScriptedSink sink =
        ScriptedSink.forTest(
            sinkChannel, BASE, TestCredentials.BASE_SECRET, Optional.empty(), null);
    sink.hello(1);
    sink.credit(1);
    CompletableFuture<Void> worker =
        CompletableFuture.runAsync(
            () -> {
              TaskRef ref = sink.takeOffer();
              sink.started(ref);
              sink.result(ref, TaskState.SUCCESS, 0, "all good");
            });
    Run run =
        cli(
            "submit",
            "--type",
            BASE,
            "--module",
            "demo.run",
            "--payload",
            "{\"n\":1}",
            "--secret-param",
            "pw=do-not-print-me",
            "--wait",
            "--wait-timeout",
            "60");
    worker.get(60, TimeUnit.SECONDS);
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"state\": \"SUCCESS\"").contains("all good");
    assertThat(run.out()).doesNotContain("do-not-print-me").contains("***");
  }

  @Test
  void submitWaitExitsOneWhenTheTaskEndsError() throws Exception {
    ScriptedSink sink =
        ScriptedSink.forTest(
            sinkChannel, BASE, TestCredentials.BASE_SECRET, Optional.empty(), null);
    sink.hello(1);
    sink.credit(1);
    CompletableFuture<Void> worker =
        CompletableFuture.runAsync(
            () -> sink.result(sink.takeOffer(), TaskState.ERROR, 1, "ValueError: boom"));
    Run run = cli("submit", "--type", BASE, "--module", "demo.fail", "--wait");
    worker.get(60, TimeUnit.SECONDS);
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("ValueError: boom");
  }

  @Test
  void statsAndSinksPrintJson() {
    assertThat(cli("submit", "--type", BASE, "--module", "m").exit()).isZero();
    Run stats = cli("stats", "--type", BASE);
    assertThat(stats.exit()).isZero();
    assertThat(stats.out()).contains("\"queued\": \"1\"");
    assertThat(cli("sinks").exit()).isZero();
  }

  @Test
  void aWrongTokenIsOneReadableLineAndExitCodeThree() {
    StringWriter err = new StringWriter();
    int exit =
        HubCli.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "stats",
            "--hub",
            hub,
            "--token",
            "wrong");
    assertThat(exit).isEqualTo(3);
    assertThat(err.toString()).startsWith("error: UNAUTHENTICATED: the admin token is wrong");
  }

  @Test
  void anUnknownTaskIsNotFound() {
    Run run = cli("get", "no-such-task");
    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err()).contains("NOT_FOUND").contains("no-such-task");
  }
}
