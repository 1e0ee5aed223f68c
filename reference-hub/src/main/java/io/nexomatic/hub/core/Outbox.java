package io.nexomatic.hub.core;

import io.grpc.Status;
import io.nexomatic.protocol.v1.HeartbeatAck;
import io.nexomatic.protocol.v1.ResultAck;
import io.nexomatic.protocol.v1.ResumeDecision;
import io.nexomatic.protocol.v1.SinkAction;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TraceContext;
import java.util.List;

/** Everything the Hub says to a connected sink, one method per message; none of them blocks. */
interface Outbox {
  /** The session is established: its id, timings, limits and a verdict per resumed task. */
  void welcome(Session s, List<ResumeDecision> resumeDecisions);

  /** Offers the task's current attempt, carrying the offer span's context. */
  void offer(Session s, TaskRecord t, TraceContext trace);

  void leaseGranted(Session s, TaskRef task, long leaseExpiresAtMs);

  void leaseDenied(Session s, TaskRef task, String reason);

  /** Asks the sink to stop the task's current attempt. */
  void cancel(Session s, TaskRecord t);

  void resultAck(Session s, ResultAck ack);

  void heartbeatAck(Session s, HeartbeatAck ack);

  void control(Session s, SinkAction action, String reason);

  /** Ends the session's control stream. */
  void close(Session s, Status status);
}
