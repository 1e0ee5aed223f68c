package io.nexomatic.hub;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static io.nexomatic.hub.testing.TestCredentials.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.nexomatic.hub.testing.HubFixture;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.protocol.v1.QueueStatsRequest;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SinkAuthenticationTest {
  private HubFixture hub;

  @BeforeEach
  void start() throws Exception {
    hub = new HubFixture();
  }

  @AfterEach
  void stop() throws Exception {
    hub.close();
  }

  private Status helloWith(
      String type, String secret, Optional<String> tenant, String tenantSecret) {
    ScriptedSink sink = ScriptedSink.forTest(hub.channel(), type, secret, tenant, tenantSecret);
    sink.connect();
    sink.send(
        io.nexomatic.protocol.v1.SinkMessage.newBuilder()
            .setHello(
                io.nexomatic.protocol.v1.Hello.newBuilder()
                    .setSinkUuid("s1")
                    .setSinkType(type)
                    .setConcurrency(1)));
    return sink.closedWith();
  }

  @Test
  void wrongClientSecretIsUnauthenticatedAndNamesTheClientSecret() {
    Status s = helloWith(BASE, "nope", Optional.empty(), null);
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(s.getDescription()).contains("client secret").contains(BASE).doesNotContain("nope");
  }

  @Test
  void unknownSinkTypeIsUnauthenticatedAndNamesTheType() {
    Status s = helloWith("LOCAL:NOPE", "whatever", Optional.empty(), null);
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(s.getDescription()).contains("unknown client id").contains("LOCAL:NOPE");
  }

  @Test
  void wrongTenantSecretIsUnauthenticatedAndNamesTheTenant() {
    Status s = helloWith(BASE, BASE_SECRET, Optional.of(TENANT_A), "wrong-tenant-secret");
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(s.getDescription())
        .contains("tenant secret")
        .contains(TENANT_A)
        .doesNotContain("wrong-tenant-secret");
  }

  @Test
  void missingTenantSecretIsUnauthenticated() {
    Status s = helloWith(BASE, BASE_SECRET, Optional.of(TENANT_A), null);
    assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(s.getDescription()).contains("missing x-nexomatic-tenant-secret");
  }

  @Test
  void helloForAnotherSinkTypeThanTheCredentialsIsPermissionDenied() {
    ScriptedSink sink =
        ScriptedSink.forTest(hub.channel(), BASE, BASE_SECRET, Optional.empty(), null);
    sink.connect();
    sink.send(
        io.nexomatic.protocol.v1.SinkMessage.newBuilder()
            .setHello(
                io.nexomatic.protocol.v1.Hello.newBuilder()
                    .setSinkUuid("s1")
                    .setSinkType(TestCredentials.PWSH)
                    .setConcurrency(1)));
    assertThat(sink.closedWith().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void correctCredentialsEstablishASession() {
    assertThat(hub.sink(BASE).hello(2).getSessionId()).isNotEmpty();
    assertThat(hub.pinnedSink(BASE, TENANT_A).hello(2).getSessionId()).isNotEmpty();
  }

  @Test
  void adminCallsNeedTheAdminToken() {
    assertThatThrownBy(
            () ->
                hub.adminStub("not-the-token")
                    .submitTask(
                        SubmitTaskRequest.newBuilder().setSinkType(BASE).setModule("m").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).contains("admin token is wrong");
            });
  }

  @Test
  void sinkCredentialsMayReadOnlyTheirOwnTypesQueueStats() {
    var stub = ScriptedSink.statsStub(hub.channel(), BASE, BASE_SECRET);
    assertThat(
            stub.getQueueStats(QueueStatsRequest.newBuilder().setSinkType(BASE).build())
                .getStatsList())
        .hasSize(1);
    assertThatThrownBy(
            () ->
                stub.getQueueStats(
                    QueueStatsRequest.newBuilder().setSinkType(TestCredentials.PWSH).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(
            () ->
                stub.submitTask(
                    SubmitTaskRequest.newBuilder().setSinkType(BASE).setModule("m").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }
}
