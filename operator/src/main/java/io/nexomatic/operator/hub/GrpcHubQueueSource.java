package io.nexomatic.operator.hub;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.protocol.TransportDiagnosis;
import io.nexomatic.protocol.v1.HubAdminGrpc;
import io.nexomatic.protocol.v1.ListSinksRequest;
import io.nexomatic.protocol.v1.QueueStats;
import io.nexomatic.protocol.v1.QueueStatsRequest;
import io.nexomatic.protocol.v1.Sink;
import io.nexomatic.protocol.v1.SinkStatus;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Reads queue statistics and the per-sink view over the Hub's admin API, authenticated as the
 * fleet's Sink Type (and tenant) with the fleet's client secret: the operator needs no admin token.
 */
public final class GrpcHubQueueSource implements HubQueueSource {

  private static final TransportDiagnosis.Settings TLS =
      new TransportDiagnosis.Settings(
          "set spec.hub.tls.enabled to true",
          "set spec.hub.tls.enabled to false",
          "spec.hub.tls.caSecretRef",
          "spec.hub.tls.serverName");

  private final Function<HubEndpoint, Channel> channels;
  private final Duration deadline;

  /**
   * @param channels the channel for an endpoint (a shared {@link HubChannels} in production, an
   *     in-process channel in tests)
   * @param deadline how long one read may take before the Hub counts as unreachable
   */
  public GrpcHubQueueSource(Function<HubEndpoint, Channel> channels, Duration deadline) {
    this.channels = channels;
    this.deadline = deadline;
  }

  @Override
  public HubQueueView read(SinkFleet fleet, DerivedCredentials credentials)
      throws HubReadException {
    var spec = fleet.getSpec();
    // Derived here, not handed in: the reader's interface stays the fleet and its credentials.
    var effective = EffectiveFleet.of(spec);
    var endpoint =
        HubEndpoint.of(effective, fleet.getMetadata().getNamespace(), credentials.caBundle());
    String tenant = effective.tenantUuid();
    if (!credentials.has(DerivedCredentials.CLIENT_SECRET_KEY)) {
      throw new HubReadException(
          "the fleet has no client secret to read the Hub's queue with: Backlog autoscaling needs"
              + " auth.method ClientSecret (an EntraId fleet can use mode Cpu or None)",
          true,
          null);
    }
    var headers = new Metadata();
    headers.put(ProtocolMetadata.CLIENT_ID, spec.getSinkType());
    credentials
        .text(DerivedCredentials.CLIENT_SECRET_KEY)
        .ifPresent(s -> headers.put(ProtocolMetadata.CLIENT_SECRET, s));
    credentials
        .text(DerivedCredentials.TENANT_SECRET_KEY)
        .ifPresent(
            s -> {
              headers.put(ProtocolMetadata.TENANT_UUID, tenant);
              headers.put(ProtocolMetadata.TENANT_SECRET, s);
            });
    Channel channel;
    try {
      channel = channels.apply(endpoint);
    } catch (UncheckedIOException e) {
      throw new HubReadException(
          "the CA bundle in spec.hub.tls.caSecretRef cannot be used ("
              + e.getMessage()
              + "): it must hold PEM certificates (-----BEGIN CERTIFICATE-----)",
          false,
          e);
    }
    try {
      var stub =
          HubAdminGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
              .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
      var stats =
          stub.getQueueStats(
              QueueStatsRequest.newBuilder()
                  .setSinkType(spec.getSinkType())
                  .setTenantUuid(tenant)
                  .build());
      var sinks =
          stub.listSinks(
              ListSinksRequest.newBuilder()
                  .setSinkType(spec.getSinkType())
                  .setTenantUuid(tenant)
                  .build());
      QueueStats q =
          stats.getStatsCount() == 0 ? QueueStats.getDefaultInstance() : stats.getStats(0);
      var tasksByPod = new HashMap<String, Integer>();
      var drainingPods = new HashSet<String>();
      for (Sink sink : sinks.getSinksList()) {
        if (sink.getStatus() != SinkStatus.OFFLINE && !sink.getPodName().isEmpty()) {
          // An offer in flight makes a sink as busy as a lease: it is about to hold that task.
          tasksByPod.merge(sink.getPodName(), sink.getBusy() + sink.getOffered(), Integer::sum);
          if (sink.getDraining()) {
            drainingPods.add(sink.getPodName());
          }
        }
      }
      return new HubQueueView(
          q.getQueued(),
          q.getLeased(),
          q.getConnectedSinks(),
          q.getBusySinks(),
          tasksByPod,
          drainingPods);
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      boolean rejected =
          code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED;
      String detail =
          TransportDiagnosis.describe(
              e.getStatus(), endpoint.tls(), endpoint.serverName().orElse(endpoint.host()), TLS);
      String message =
          rejected
              ? "the Hub at " + endpoint + " refused the fleet's credentials (" + detail + ")"
              : "cannot read the Hub at " + endpoint + " (" + detail + ")";
      throw new HubReadException(message, rejected, e);
    }
  }
}
