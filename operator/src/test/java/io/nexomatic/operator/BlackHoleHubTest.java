package io.nexomatic.operator;

import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import io.nexomatic.operator.hub.GrpcHubQueueSource;
import io.nexomatic.operator.hub.HubChannels;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.testing.BlackHoleHub;
import io.nexomatic.operator.testing.OperatorHarness;
import io.nexomatic.operator.testing.TestFleets;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Hub that is a black hole — TCP accepts the connection, nothing ever answers — must cost its
 * fleets an honest HubUnreachable and nothing else: no reconcile thread waits on it, so every other
 * fleet is reconciled as if it were not there.
 *
 * <p>The black hole is a real socket on loopback, read through the operator's real gRPC channel.
 * The read's own gRPC deadline is set far beyond the test, so nothing but the operator's design can
 * keep a reconcile from waiting: as many black-hole fleets as the operator has reconcile threads
 * would hold every one of them if a reconcile read the Hub itself.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BlackHoleHubTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String NAMESPACE = "black-hole";
  private static final int BLACK_HOLE_FLEETS =
      ConfigurationService.DEFAULT_RECONCILIATION_THREADS_NUMBER;

  private BlackHoleHub blackHole;
  private HubChannels channels;
  private OperatorHarness harness;

  @BeforeEach
  void start() throws IOException {
    blackHole = new BlackHoleHub();
    channels = new HubChannels();
    harness = new OperatorHarness(new GrpcHubQueueSource(channels, Duration.ofHours(1)));
  }

  @AfterEach
  void stop() throws IOException {
    harness.close();
    channels.close();
    blackHole.close();
  }

  @Test
  void fleetsWhoseHubNeverAnswersDoNotDelayTheirNeighboursAndReportTheHubUnreachable() {
    var client = harness.client();
    client.resource(TestFleets.clientSecret(NAMESPACE, BASE_SECRET)).create();
    for (int i = 0; i < BLACK_HOLE_FLEETS; i++) {
      client.resource(blackHole.backlogFleet(NAMESPACE, "black-hole-" + i)).create();
    }
    var neighbour = TestFleets.pythonFleet(NAMESPACE);
    neighbour.getMetadata().setName("neighbour");
    client.resource(neighbour).create();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(harness.finishedReconciliations(NAMESPACE, "neighbour"))
                    .as("reconciles of a fleet next to %d black-hole fleets", BLACK_HOLE_FLEETS)
                    .isPositive());
    assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName("neighbour").get())
        .isNotNull();

    // The black-hole fleets themselves are reconciled too: children applied, the Hub reported.
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var fleet =
                  client
                      .resources(SinkFleet.class)
                      .inNamespace(NAMESPACE)
                      .withName("black-hole-0")
                      .get();
              var scaling = TestFleets.condition(fleet, "ScalingActive");
              assertThat(scaling.getStatus()).isEqualTo("False");
              assertThat(scaling.getReason()).isEqualTo("HubUnreachable");
              assertThat(scaling.getMessage()).contains("keeping 1");
            });
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName("black-hole-0")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(1);
  }
}
