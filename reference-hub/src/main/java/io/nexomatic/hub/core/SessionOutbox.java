package io.nexomatic.hub.core;

import io.grpc.Status;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.HubVersion;
import io.nexomatic.protocol.v1.CancelTask;
import io.nexomatic.protocol.v1.HeartbeatAck;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.LeaseDenied;
import io.nexomatic.protocol.v1.LeaseGrant;
import io.nexomatic.protocol.v1.Limits;
import io.nexomatic.protocol.v1.ResultAck;
import io.nexomatic.protocol.v1.ResumeDecision;
import io.nexomatic.protocol.v1.SinkAction;
import io.nexomatic.protocol.v1.SinkControl;
import io.nexomatic.protocol.v1.TaskOffer;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TraceContext;
import io.nexomatic.protocol.v1.Welcome;
import java.util.List;

/** The {@link Outbox} that builds each message and queues it on the session's stream. */
final class SessionOutbox implements Outbox {
  private final HubConfig config;

  SessionOutbox(HubConfig config) {
    this.config = config;
  }

  @Override
  public void welcome(Session s, List<ResumeDecision> resumeDecisions) {
    Welcome.Builder welcome =
        Welcome.newBuilder()
            .setSessionId(s.id)
            .setSinkUuid(s.sink.uuid)
            .setHeartbeatIntervalMs((int) config.heartbeatInterval().toMillis())
            .setLeaseTtlMs((int) config.leaseTtl().toMillis())
            .setOfferTimeoutMs((int) config.offerTimeout().toMillis())
            .setLimits(
                Limits.newBuilder()
                    .setMaxLogChunkBytes(config.maxLogChunkBytes())
                    .setMaxResultMessages(config.maxResultMessages())
                    .setMaxResultMessageBytes(config.maxResultMessageBytes())
                    .setMaxTaskLogBytes(config.maxTaskLogBytes()))
            .setHubVersion(HubVersion.VERSION)
            .addAllResumeDecisions(resumeDecisions);
    send(s, HubMessage.newBuilder().setWelcome(welcome));
  }

  @Override
  public void offer(Session s, TaskRecord t, TraceContext trace) {
    send(
        s,
        HubMessage.newBuilder()
            .setOffer(
                TaskOffer.newBuilder()
                    .setTask(t.ref())
                    .setSinkType(t.sinkType())
                    .setTenantUuid(t.tenant())
                    .setEventType(t.spec.getEventType())
                    .setPayloadJson(t.spec.getPayloadJson())
                    .addAllParameters(
                        SubmitValidator.resolve(
                            t.spec.getPayloadJson(), t.spec.getParametersList()))
                    .setModule(t.spec.getModule())
                    .setTimeoutSeconds(t.spec.getTimeoutSeconds())
                    .setEnqueuedAtMs(t.spec.getCreatedAtMs())
                    .setTraceContext(trace)));
  }

  @Override
  public void leaseGranted(Session s, TaskRef task, long leaseExpiresAtMs) {
    send(
        s,
        HubMessage.newBuilder()
            .setLeaseGranted(
                LeaseGrant.newBuilder().setTask(task).setLeaseExpiresAtMs(leaseExpiresAtMs)));
  }

  @Override
  public void leaseDenied(Session s, TaskRef task, String reason) {
    send(
        s,
        HubMessage.newBuilder()
            .setLeaseDenied(LeaseDenied.newBuilder().setTask(task).setReason(reason)));
  }

  @Override
  public void cancel(Session s, TaskRecord t) {
    send(
        s,
        HubMessage.newBuilder()
            .setCancel(
                CancelTask.newBuilder()
                    .setTask(t.ref())
                    .setReason(t.cancelReason.isEmpty() ? "lease revoked" : t.cancelReason)));
  }

  @Override
  public void resultAck(Session s, ResultAck ack) {
    send(s, HubMessage.newBuilder().setResultAck(ack));
  }

  @Override
  public void heartbeatAck(Session s, HeartbeatAck ack) {
    send(s, HubMessage.newBuilder().setHeartbeatAck(ack));
  }

  @Override
  public void control(Session s, SinkAction action, String reason) {
    send(
        s,
        HubMessage.newBuilder()
            .setControl(SinkControl.newBuilder().setAction(action).setReason(reason)));
  }

  @Override
  public void close(Session s, Status status) {
    s.handle.close(status);
  }

  private static void send(Session s, HubMessage.Builder message) {
    s.handle.send(message.build());
  }
}
