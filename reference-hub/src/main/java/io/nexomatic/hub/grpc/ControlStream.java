package io.nexomatic.hub.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.StreamObserver;
import io.nexomatic.hub.auth.Principal;
import io.nexomatic.hub.core.HubCore;
import io.nexomatic.hub.core.Session;
import io.nexomatic.hub.core.SessionHandle;
import io.nexomatic.protocol.v1.Hello;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskResult;
import io.nexomatic.protocol.v1.TaskState;

/** One sink's control stream: checks each message's shape and order, then hands it to the core. */
final class ControlStream extends FlowControlledStream<SinkMessage, HubMessage>
    implements SessionHandle {
  private final HubCore core;
  private final Principal.SinkClient principal;
  private volatile Session session;

  ControlStream(HubCore core, Principal.SinkClient principal, StreamObserver<HubMessage> out) {
    super(out);
    this.core = core;
    this.principal = principal;
  }

  @Override
  void handle(SinkMessage m) throws StatusException {
    if (m.getBodyCase() == SinkMessage.BodyCase.HELLO) {
      if (session != null) {
        throw Status.FAILED_PRECONDITION
            .withDescription("Hello sent twice: a session takes exactly one Hello")
            .asException();
      }
      validateHello(m.getHello());
      session = core.open(m.getHello(), principal, this);
      return;
    }
    if (m.getBodyCase() == SinkMessage.BodyCase.BODY_NOT_SET) {
      throw invalid("empty SinkMessage: set one of its fields");
    }
    Session s = session;
    if (s == null) {
      throw Status.FAILED_PRECONDITION
          .withDescription("the first message must be Hello, got " + m.getBodyCase())
          .asException();
    }
    core.touch(s);
    switch (m.getBodyCase()) {
      case CREDIT -> core.onCredit(s, m.getCredit().getCredits());
      case ACCEPT -> {
        requireRef(m.getAccept().getTask(), "Accept.task");
        core.onAccept(s, m.getAccept());
      }
      case DECLINE -> {
        requireRef(m.getDecline().getTask(), "Decline.task");
        core.onDecline(s, m.getDecline());
      }
      case STARTED -> {
        requireRef(m.getStarted().getTask(), "TaskStarted.task");
        core.onStarted(s, m.getStarted());
      }
      case RESULT -> {
        validateResult(m.getResult());
        core.onResult(s, m.getResult());
      }
      case HEARTBEAT -> {
        for (TaskRef ref : m.getHeartbeat().getHeldList()) {
          requireRef(ref, "Heartbeat.held");
        }
        core.onHeartbeat(s, m.getHeartbeat());
      }
      case BACKPRESSURE -> core.onBackpressure(s, m.getBackpressure());
      case DRAINING -> core.onDraining(s, m.getDraining());
      case RELEASE -> {
        requireRef(m.getRelease().getTask(), "Release.task");
        core.onRelease(s, m.getRelease());
      }
      default -> throw invalid("unsupported message " + m.getBodyCase());
    }
  }

  private static void validateHello(Hello h) throws StatusException {
    if (h.getSinkUuid().isBlank() || h.getSinkUuid().length() > 64) {
      throw invalid("Hello.sink_uuid: required, at most 64 characters");
    }
    if (h.getSinkType().isBlank()) {
      throw invalid("Hello.sink_type: required, e.g. LOCAL:BASE");
    }
    if (h.getConcurrency() < 1 || h.getConcurrency() > 10_000) {
      throw invalid("Hello.concurrency: must be between 1 and 10000");
    }
    for (var held : h.getResumeList()) {
      requireRef(held.getTask(), "Hello.resume.task");
    }
  }

  private static void validateResult(TaskResult r) throws StatusException {
    requireRef(r.getTask(), "TaskResult.task");
    TaskState st = r.getState();
    if (st != TaskState.SUCCESS && st != TaskState.WARNING && st != TaskState.ERROR) {
      throw invalid("TaskResult.state: must be SUCCESS, WARNING or ERROR, got " + st);
    }
  }

  private static void requireRef(TaskRef ref, String field) throws StatusException {
    if (ref.getTaskId().isEmpty()) {
      throw invalid(field + ".task_id: required");
    }
    if (ref.getAttempt() < 1) {
      throw invalid(field + ".attempt: must be at least 1");
    }
  }

  private static StatusException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asException();
  }

  @Override
  void onClosed(String why) {
    Session s = session;
    if (s != null) {
      core.closeSession(s, why);
    }
  }

  @Override
  public void close(Status status) {
    fail(status);
  }
}
