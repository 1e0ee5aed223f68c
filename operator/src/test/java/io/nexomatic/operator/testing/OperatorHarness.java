package io.nexomatic.operator.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.nexomatic.operator.OperatorSettings;
import io.nexomatic.operator.SinkFleetOperator;
import io.nexomatic.operator.hub.HubQueueSource;
import io.nexomatic.operator.hub.HubReadException;
import io.nexomatic.operator.scaling.ReplicaPlanner;
import io.nexomatic.operator.scaling.SpecReplicaPlanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Set;

/**
 * Runs the real operator wiring ({@link SinkFleetOperator}) against an in-process CRUD mock API
 * server that has the committed CRD installed.
 */
public final class OperatorHarness implements AutoCloseable {

  private static final int REQUEST_TIMEOUT_MILLIS = 120_000;

  private final ServerSideApplyDispatcher dispatcher = new ServerSideApplyDispatcher();
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final TestingMetrics metrics = new TestingMetrics();
  private final Operator operator;

  /** A harness whose fleets have no Hub: a Backlog fleet sees it as unreachable. */
  public OperatorHarness() {
    this(
        (fleet, credentials) -> {
          throw new HubReadException("no Hub in this test", false, null);
        });
  }

  /** A harness whose Backlog fleets read their queues from {@code hubQueues}. */
  public OperatorHarness(HubQueueSource hubQueues) {
    this(hubQueues, Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
  }

  /** As {@link #OperatorHarness(HubQueueSource)}, with the operator's clock in the test's hand. */
  public OperatorHarness(HubQueueSource hubQueues, Clock clock) {
    this(hubQueues, clock, new SpecReplicaPlanner());
  }

  /** As above, with the replica count of fleets outside Backlog mode decided by {@code planner}. */
  public OperatorHarness(HubQueueSource hubQueues, Clock clock, ReplicaPlanner planner) {
    server =
        new KubernetesMockServer(
            new Context(new ObjectMapper()),
            new MockWebServer(),
            new HashMap<>(),
            dispatcher,
            false);
    server.init();
    // One vert.x event loop serves every request of the mock server, and on a loaded machine a
    // request can wait many seconds for it. The client's defaults (10 s request timeout, up to 10
    // retries with exponential back-off) then turn a slow answer into minutes of retried GETs and
    // into retried POSTs that fail with 409 AlreadyExists. The API server here is in-process, so
    // a request that takes long is slow, not lost: wait for it and never retry.
    client =
        server.createClient(
            builder ->
                builder
                    .editOrNewConfig()
                    .withRequestTimeout(REQUEST_TIMEOUT_MILLIS)
                    .withConnectionTimeout(REQUEST_TIMEOUT_MILLIS)
                    .withRequestRetryBackoffLimit(0)
                    .endConfig());
    client.apiextensions().v1().customResourceDefinitions().resource(committedCrd()).create();
    var settings = new OperatorSettings(Set.of(), false, "unused", null, "operator-under-test", 0);
    operator = SinkFleetOperator.create(client, settings, metrics, planner, hubQueues, clock);
    operator.start();
  }

  /** A client of the mock API server (the tests' kubectl). */
  public KubernetesClient client() {
    return client;
  }

  /** Every write request the server has received for objects in {@code namespace}. */
  public List<String> writes(String namespace) {
    String prefix = "/namespaces/" + namespace + "/";
    return dispatcher.writes().stream().filter(w -> w.contains(prefix)).toList();
  }

  /** Reconciliations of the fleet {@code namespace/name} the operator has finished. */
  public int finishedReconciliations(String namespace, String name) {
    return metrics.finishedReconciliations(namespace, name);
  }

  @Override
  public void close() {
    operator.stop();
    client.close();
    server.destroy();
  }

  static CustomResourceDefinition committedCrd() {
    Path crd =
        Path.of(System.getProperty("nexomatic.committedCrds", "../crds"))
            .resolve("sinkfleets.sinks.nexomatic.io-v1.yml");
    try (InputStream in = Files.newInputStream(crd)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the committed CRD " + crd, e);
    }
  }
}
