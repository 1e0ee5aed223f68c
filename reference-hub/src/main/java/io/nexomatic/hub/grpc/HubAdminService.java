package io.nexomatic.hub.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.nexomatic.hub.auth.AuthInterceptor;
import io.nexomatic.hub.auth.Principal;
import io.nexomatic.hub.core.HubCore;
import io.nexomatic.protocol.v1.CancelTaskRequest;
import io.nexomatic.protocol.v1.ControlSinkRequest;
import io.nexomatic.protocol.v1.GetTaskRequest;
import io.nexomatic.protocol.v1.HubAdminGrpc;
import io.nexomatic.protocol.v1.ListSinksRequest;
import io.nexomatic.protocol.v1.ListSinksResponse;
import io.nexomatic.protocol.v1.ListTasksRequest;
import io.nexomatic.protocol.v1.ListTasksResponse;
import io.nexomatic.protocol.v1.QueueStatsRequest;
import io.nexomatic.protocol.v1.QueueStatsResponse;
import io.nexomatic.protocol.v1.Sink;
import io.nexomatic.protocol.v1.StreamTaskLogsRequest;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskLogChunk;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The admin API: tasks, logs, queue statistics, sinks. */
public final class HubAdminService extends HubAdminGrpc.HubAdminImplBase {
  private static final int LOG_READ_BYTES = 64 * 1024;
  private static final long FOLLOW_POLL_MS = 100;

  private final HubCore core;
  private final ScheduledExecutorService timer;

  public HubAdminService(HubCore core, ScheduledExecutorService timer) {
    this.core = core;
    this.timer = timer;
  }

  @Override
  public void submitTask(SubmitTaskRequest request, StreamObserver<Task> out) {
    unary(out, () -> core.submit(request), true);
  }

  @Override
  public void getTask(GetTaskRequest request, StreamObserver<Task> out) {
    unary(out, () -> core.get(requireId(request.getTaskId())), true);
  }

  @Override
  public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> out) {
    unary(out, () -> core.list(request), true);
  }

  @Override
  public void cancelTask(CancelTaskRequest request, StreamObserver<Task> out) {
    unary(out, () -> core.cancel(requireId(request.getTaskId()), request.getReason()), true);
  }

  @Override
  public void getQueueStats(QueueStatsRequest request, StreamObserver<QueueStatsResponse> out) {
    ownTypeRead(
        out,
        request.getSinkType(),
        request.getTenantUuid(),
        () -> core.stats(request.getSinkType(), request.getTenantUuid()));
  }

  @Override
  public void listSinks(ListSinksRequest request, StreamObserver<ListSinksResponse> out) {
    ownTypeRead(
        out,
        request.getSinkType(),
        request.getTenantUuid(),
        () -> ListSinksResponse.newBuilder().addAllSinks(core.sinks(request)).build());
  }

  @Override
  public void controlSink(ControlSinkRequest request, StreamObserver<Sink> out) {
    unary(
        out,
        () ->
            core.control(
                requireId(request.getSinkUuid()), request.getAction(), request.getReason()),
        true);
  }

  @Override
  public void streamTaskLogs(StreamTaskLogsRequest request, StreamObserver<TaskLogChunk> out) {
    try {
      requireAdmin();
      requireId(request.getTaskId());
      core.get(request.getTaskId());
    } catch (StatusException e) {
      out.onError(e);
      return;
    }
    ServerCallStreamObserver<TaskLogChunk> call = (ServerCallStreamObserver<TaskLogChunk>) out;
    LogFollower follower = new LogFollower(request, call);
    call.setOnCancelHandler(follower::cancel);
    call.setOnReadyHandler(follower::wake);
    follower.wake();
  }

  /** Pushes a task's log to one reader as it grows, respecting the reader's flow control. */
  private final class LogFollower {
    private final StreamTaskLogsRequest request;
    private final ServerCallStreamObserver<TaskLogChunk> call;
    private long offset;
    private int attempt = -1;
    private boolean done;
    private boolean scheduled;

    LogFollower(StreamTaskLogsRequest request, ServerCallStreamObserver<TaskLogChunk> call) {
      this.request = request;
      this.call = call;
      this.offset = request.getFromOffset();
    }

    synchronized void cancel() {
      done = true;
    }

    synchronized void wake() {
      if (done || scheduled) {
        return;
      }
      scheduled = true;
      timer.execute(this::pump);
    }

    private synchronized void pump() {
      scheduled = false;
      if (done) {
        return;
      }
      try {
        while (call.isReady()) {
          HubCore.LogView view = core.readLog(request.getTaskId(), offset, LOG_READ_BYTES);
          if (view.attempt() != attempt) {
            if (attempt != -1) {
              offset = 0; // a new attempt's log starts afresh
              attempt = view.attempt();
              continue;
            }
            attempt = view.attempt();
          }
          if (view.data().length > 0) {
            call.onNext(
                TaskLogChunk.newBuilder()
                    .setAttempt(view.attempt())
                    .setOffset(offset)
                    .setData(ByteString.copyFrom(view.data()))
                    .build());
            offset += view.data().length;
            continue;
          }
          if (!request.getFollow() || view.complete()) {
            done = true;
            call.onCompleted();
            return;
          }
          scheduled = true;
          timer.schedule(this::pump, FOLLOW_POLL_MS, TimeUnit.MILLISECONDS);
          return;
        }
      } catch (StatusException e) {
        done = true;
        call.onError(e);
      } catch (RuntimeException e) {
        done = true; // the reader went away
      }
    }
  }

  private interface Call<T> {
    T run() throws StatusException;
  }

  private static <T> void unary(StreamObserver<T> out, Call<T> call, boolean adminOnly) {
    T result;
    try {
      if (adminOnly) {
        requireAdmin();
      }
      result = call.run();
    } catch (StatusException e) {
      out.onError(e);
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }

  /** A read open to the admin and to sink credentials of {@code sinkType} (and tenant). */
  private static <T> void ownTypeRead(
      StreamObserver<T> out, String sinkType, String tenant, Call<T> call) {
    unary(
        out,
        () -> {
          authorizeOwnType(sinkType, tenant);
          return call.run();
        },
        false);
  }

  private static void requireAdmin() throws StatusException {
    if (!(AuthInterceptor.PRINCIPAL.get() instanceof Principal.Admin)) {
      throw Status.PERMISSION_DENIED
          .withDescription("this call needs the admin token ('authorization: Bearer <token>')")
          .asException();
    }
  }

  /** Sink credentials may read their own type's queue (and tenant, when pinned). */
  private static void authorizeOwnType(String sinkType, String tenant) throws StatusException {
    Principal p = AuthInterceptor.PRINCIPAL.get();
    if (p instanceof Principal.Admin) {
      return;
    }
    Principal.SinkClient sink = (Principal.SinkClient) p;
    if (!sink.sinkType().equals(sinkType)) {
      throw Status.PERMISSION_DENIED
          .withDescription(
              "sink credentials of type '"
                  + sink.sinkType()
                  + "' may read only that type's stats; sink_type is '"
                  + sinkType
                  + "'")
          .asException();
    }
    if (sink.tenantUuid().isPresent() && !sink.tenantUuid().get().equals(tenant)) {
      throw Status.PERMISSION_DENIED
          .withDescription("credentials pinned to a tenant may read only that tenant's stats")
          .asException();
    }
  }

  private static String requireId(String id) throws StatusException {
    if (id.isBlank()) {
      throw Status.INVALID_ARGUMENT.withDescription("an id is required").asException();
    }
    return id;
  }
}
