package io.nexomatic.delivery;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.protocol.v1.GetTaskRequest;
import io.nexomatic.protocol.v1.HubAdminGrpc;
import io.nexomatic.protocol.v1.ListSinksRequest;
import io.nexomatic.protocol.v1.ParameterKind;
import io.nexomatic.protocol.v1.ParameterSpec;
import io.nexomatic.protocol.v1.SinkStatus;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Hub's admin API over real TCP, with the admin token that {@code init-credentials} printed:
 * what a user's scripts and the Hub CLI do, from the test JVM.
 */
final class HubClient implements AutoCloseable {

  private static final Set<TaskState> ENDED =
      Set.of(TaskState.SUCCESS, TaskState.WARNING, TaskState.ERROR);

  private final ManagedChannel channel;
  private final HubAdminGrpc.HubAdminBlockingStub admin;
  private final String clientSecret;

  private HubClient(String host, int port, String adminToken, String clientSecret) {
    this.clientSecret = clientSecret;
    channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
    Metadata bearer = new Metadata();
    bearer.put(ProtocolMetadata.AUTHORIZATION, ProtocolMetadata.BEARER_PREFIX + adminToken);
    admin =
        HubAdminGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer));
  }

  /** A client for the Hub whose {@code init-credentials} printed {@code secretsJson}. */
  static HubClient fromInitCredentials(String secretsJson, String host, int port) {
    JsonNode secrets = Repo.readJson(secretsJson);
    return new HubClient(
        host,
        port,
        secrets.path("adminToken").asText(),
        secrets.path("clientSecrets").path("LOCAL:BASE").asText());
  }

  /** The LOCAL:BASE client secret. */
  String clientSecret() {
    return clientSecret;
  }

  void awaitServing(Duration timeout) {
    await()
        .atMost(timeout)
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .until(() -> admin().listSinks(ListSinksRequest.getDefaultInstance()) != null);
  }

  void awaitConnectedSinks(int count, Duration timeout) {
    await()
        .atMost(timeout)
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .until(
            () ->
                admin().listSinks(ListSinksRequest.getDefaultInstance()).getSinksList().stream()
                        .filter(s -> s.getStatus() != SinkStatus.OFFLINE)
                        .count()
                    == count);
  }

  Task submit(String module, String payloadJson, int timeoutSeconds) {
    return admin().submitTask(request(module, payloadJson, timeoutSeconds).build());
  }

  /** A task of {@code module} with static parameters, as a Source would raise it. */
  Task submit(String module, String payloadJson, java.util.Map<String, String> params) {
    var request = request(module, payloadJson, 60);
    params.forEach(
        (name, value) ->
            request.addParameters(
                ParameterSpec.newBuilder()
                    .setName(name)
                    .setKind(ParameterKind.STATIC)
                    .setValue(value)));
    return admin().submitTask(request.build());
  }

  private static SubmitTaskRequest.Builder request(
      String module, String payloadJson, int timeoutSeconds) {
    return SubmitTaskRequest.newBuilder()
        .setSinkType("LOCAL:BASE")
        .setModule(module)
        .setPayloadJson(payloadJson)
        .setTimeoutSeconds(timeoutSeconds)
        .setMaxAttempts(3);
  }

  Task submitForType(String sinkType, String module) {
    return admin()
        .submitTask(SubmitTaskRequest.newBuilder().setSinkType(sinkType).setModule(module).build());
  }

  /** Whether the Hub lets a LOCAL:BASE sink in with {@code secret}, as a sink's call would. */
  boolean acceptsClientSecret(String secret) {
    Metadata sink = new Metadata();
    sink.put(ProtocolMetadata.CLIENT_ID, "LOCAL:BASE");
    sink.put(ProtocolMetadata.CLIENT_SECRET, secret);
    try {
      HubAdminGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(sink))
          .withDeadlineAfter(20, TimeUnit.SECONDS)
          .listSinks(ListSinksRequest.newBuilder().setSinkType("LOCAL:BASE").build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.UNAUTHENTICATED) {
        return false;
      }
      throw e;
    }
  }

  /** Every sink the Hub knows, offline ones included. */
  java.util.List<io.nexomatic.protocol.v1.Sink> sinks() {
    return admin()
        .listSinks(ListSinksRequest.newBuilder().setIncludeOffline(true).build())
        .getSinksList();
  }

  Task get(Task task) {
    return admin().getTask(GetTaskRequest.newBuilder().setTaskId(task.getTaskId()).build());
  }

  Task awaitEnd(Task task, Duration timeout) {
    return await()
        .atMost(timeout)
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .until(() -> get(task), t -> ENDED.contains(t.getState()));
  }

  private HubAdminGrpc.HubAdminBlockingStub admin() {
    return admin.withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

  static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
