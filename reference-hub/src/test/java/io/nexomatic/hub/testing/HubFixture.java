package io.nexomatic.hub.testing;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.core.HubCore;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.protocol.v1.HubAdminGrpc;
import io.nexomatic.protocol.v1.ParameterKind;
import io.nexomatic.protocol.v1.ParameterSpec;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An in-process Hub on a hand-moved clock (timers run only when a test calls {@link #tick}), with
 * an admin stub and a factory for scripted sinks.
 */
public final class HubFixture implements AutoCloseable {
  public final MutableClock clock = new MutableClock();
  public final HubConfig config;
  private final String name = "hub-" + UUID.randomUUID();
  private final HubServer server;
  private final List<ManagedChannel> channels = new ArrayList<>();
  public final HubAdminGrpc.HubAdminBlockingStub admin;

  public HubFixture() throws IOException {
    this(b -> b, TaskJournal.inMemory());
  }

  public HubFixture(java.util.function.UnaryOperator<HubConfig.Builder> tune, TaskJournal journal)
      throws IOException {
    this.config =
        tune.apply(
                HubConfig.builder()
                    .heartbeatInterval(Duration.ofSeconds(5))
                    .leaseTtl(Duration.ofSeconds(30))
                    .offerTimeout(Duration.ofSeconds(10))
                    .tickInterval(Duration.ofHours(1))
                    .clock(clock))
            .build();
    server =
        new HubServer(
                InProcessServerBuilder.forName(name).directExecutor(),
                config,
                TestCredentials.credentials(),
                journal)
            .start();
    admin = adminStub(TestCredentials.ADMIN_TOKEN);
  }

  public HubCore core() {
    return server.core();
  }

  /** Moves time and runs the Hub's timers once. */
  public void tick(Duration d) {
    clock.advance(d);
    core().tick();
  }

  public ManagedChannel channel() {
    ManagedChannel c = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(c);
    return c;
  }

  public HubAdminGrpc.HubAdminBlockingStub adminStub(String token) {
    Metadata h = new Metadata();
    h.put(ProtocolMetadata.AUTHORIZATION, ProtocolMetadata.BEARER_PREFIX + token);
    return HubAdminGrpc.newBlockingStub(channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
  }

  /** A sink of a type (unpinned), with the right secret. */
  public ScriptedSink sink(String sinkType) {
    return new ScriptedSink(
        channel(), sinkType, TestCredentials.secretOf(sinkType), Optional.empty(), null);
  }

  /** A sink pinned to a tenant, with the right secrets. */
  public ScriptedSink pinnedSink(String sinkType, String tenant) {
    return new ScriptedSink(
        channel(),
        sinkType,
        TestCredentials.secretOf(sinkType),
        Optional.of(tenant),
        TestCredentials.tenantSecretOf(tenant));
  }

  public Task submit(String sinkType, String tenant, String module) {
    return admin.submitTask(
        SubmitTaskRequest.newBuilder()
            .setSinkType(sinkType)
            .setTenantUuid(tenant)
            .setModule(module)
            .build());
  }

  public Task submit(String sinkType) {
    return submit(sinkType, "", "demo.run");
  }

  public static ParameterSpec param(String name, ParameterKind kind, String value) {
    return ParameterSpec.newBuilder().setName(name).setKind(kind).setValue(value).build();
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
      try {
        c.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    server.close();
  }
}
