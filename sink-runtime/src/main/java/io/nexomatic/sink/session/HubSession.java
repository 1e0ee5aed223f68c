package io.nexomatic.sink.session;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.protocol.TransportDiagnosis;
import io.nexomatic.protocol.v1.Accept;
import io.nexomatic.protocol.v1.Backpressure;
import io.nexomatic.protocol.v1.CreditGrant;
import io.nexomatic.protocol.v1.Decline;
import io.nexomatic.protocol.v1.Draining;
import io.nexomatic.protocol.v1.Heartbeat;
import io.nexomatic.protocol.v1.HeldState;
import io.nexomatic.protocol.v1.HeldTask;
import io.nexomatic.protocol.v1.Hello;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.LogAck;
import io.nexomatic.protocol.v1.LogChunk;
import io.nexomatic.protocol.v1.Release;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.ResumeDecision;
import io.nexomatic.protocol.v1.ResumeVerdict;
import io.nexomatic.protocol.v1.SinkAction;
import io.nexomatic.protocol.v1.SinkHubGrpc;
import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.TaskOffer;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskStarted;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.protocol.v1.Welcome;
import io.nexomatic.sink.exec.TaskExecutor;
import io.nexomatic.sink.exec.TaskOutcome;
import io.nexomatic.sink.exec.TaskSpec;
import io.nexomatic.sink.log.LogStats;
import io.nexomatic.sink.log.OutputChunk;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's side of the protocol: one control stream and one log stream to the Hub, re-opened with
 * backoff when they drop, and every attempt the sink holds kept until the Hub has its result and
 * its log.
 *
 * <p>All state lives on one thread (the "sink-loop" executor): gRPC callbacks, task outcomes, log
 * chunks and timers post to it, so no lock guards the ledger and no decision races another.
 */
public final class HubSession {
  private static final Logger log = LoggerFactory.getLogger(HubSession.class);

  /** Delay before re-opening a log stream that failed while its session lives on. */
  private static final long LOG_STREAM_RETRY_MS = 1000;

  /** Log bytes the transport may queue before the log stream reports itself not ready. */
  static final int LOG_STREAM_READY_BYTES = 1024 * 1024;

  /** What the session reports to its surroundings (readiness file, tests). */
  public interface Listener {
    /**
     * The sink is ready for work (a session is up and the sink is not draining) or is not. Called
     * again on every heartbeat acknowledgement while ready, so a readiness file stays fresh.
     */
    default void readinessChanged(boolean ready) {}

    /**
     * The connection under the session looks half-open: the next session must not reuse it, as gRPC
     * would (its transport still counts as healthy until TCP keepalive gives up).
     */
    default void connectionSilent() {}
  }

  private final SessionSettings settings;
  private final Channel channel;
  private final TaskExecutor executor;
  private final Listener listener;
  private final Clock clock;
  private final ScheduledExecutorService loop;

  /** Heartbeats the Hub may leave unanswered before the sink ends the session. */
  static final int SILENT_HEARTBEATS = 3;

  private static final TransportDiagnosis.Settings SETTINGS =
      new TransportDiagnosis.Settings(
          "set TLS_ENABLED to true", "set TLS_ENABLED to false", "TLS_CA_FILE", "TLS_SERVER_NAME");

  private final Backoff backoff = new Backoff(() -> ThreadLocalRandom.current().nextDouble());
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  /** Every attempt the sink holds, in arrival order. */
  private final Map<TaskRef, HeldAttempt> ledger = new LinkedHashMap<>();

  private ClientCallStreamObserver<SinkMessage> control;
  private ClientCallStreamObserver<LogChunk> logs;
  private Welcome welcome;
  private ScheduledFuture<?> heartbeat;
  private long heartbeatSeq;
  private long lastContact;
  private long leaseTtlMs;
  private boolean backpressured;
  private int owedCredits;

  /** Credits granted on this session that no offer has consumed yet (MAX_TASKS accounting). */
  private int creditsOutstanding;

  /** Attempts leased to this sink over its whole life (MAX_TASKS accounting). */
  private int leasesTaken;

  private boolean draining;
  private long drainDeadline;
  private Mode mode = Mode.SERVING;
  private String lastCause = "";

  private enum Mode {
    /** Takes work. */
    SERVING,
    /** Finishes what runs, then reconnects (Hub RESET). */
    RESETTING,
    /** Finishes what runs, then exits (Hub KILL). */
    KILLING,
    /** Exited. */
    STOPPED
  }

  /**
   * A session over {@code channel}, which must carry the sink's credentials (see {@link
   * SinkCallCredentials#attachTo}). Nothing happens until {@link #start()}.
   */
  public HubSession(
      SessionSettings settings,
      Channel channel,
      TaskExecutor executor,
      Listener listener,
      Clock clock) {
    this.settings = settings;
    this.channel = channel;
    this.executor = executor;
    this.listener = listener;
    this.clock = clock;
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sink-loop");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts connecting; the returned future completes with the exit code when the sink stops. */
  public CompletableFuture<Integer> start() {
    post(
        () -> {
          lastContact = now();
          connect();
        });
    every(this::selfFence, 1000);
    return exit;
  }

  /**
   * Graceful shutdown (SIGTERM): take no more tasks, tell the Hub, hand back leased tasks that have
   * not started, let running tasks finish until the drain deadline, hand back what is still running
   * then, deliver every result and log, and complete with exit code 0. Bounded whatever the Hub
   * does: it completes within the drain timeout plus the kill grace plus three seconds.
   */
  public CompletableFuture<Integer> drain() {
    post(this::beginDrain);
    return exit;
  }

  // -------------------------------------------------------------------------------------------
  // The loop
  // -------------------------------------------------------------------------------------------

  private void post(Runnable step) {
    try {
      loop.execute(guarded(step));
    } catch (RejectedExecutionException stopped) {
      // the sink has stopped: nothing left to do
    }
  }

  /** A failing step is logged and never kills the loop or its timers. */
  private Runnable guarded(Runnable step) {
    return () -> {
      try {
        step.run();
      } catch (RuntimeException e) {
        log.error("sink loop step failed", e);
      }
    };
  }

  private void schedule(Runnable step, long delayMs) {
    try {
      loop.schedule(guarded(step), delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopped) {
      // the sink has stopped
    }
  }

  private ScheduledFuture<?> every(Runnable step, long periodMs) {
    return loop.scheduleWithFixedDelay(guarded(step), periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  private long now() {
    return clock.millis();
  }

  // -------------------------------------------------------------------------------------------
  // Connection
  // -------------------------------------------------------------------------------------------

  private void connect() {
    if (mode == Mode.STOPPED || control != null) {
      return;
    }
    // Accepted offers without a LeaseGrant died with the old session: the Hub re-queued them.
    ledger.values().removeIf(a -> a.state == HeldAttempt.State.ACCEPTING);
    Hello.Builder hello =
        Hello.newBuilder()
            .setSinkUuid(settings.sinkUuid())
            .setSinkType(settings.sinkType())
            .setTenantUuid(settings.tenantUuid())
            .setConcurrency(settings.concurrency())
            .setVersion(settings.version())
            .setPodName(settings.podName())
            .setNodeName(settings.nodeName())
            .setHostname(settings.hostname())
            .setDraining(draining);
    for (HeldAttempt a : ledger.values()) {
      if (a.resultAcked) {
        continue; // only its log is still owed, and the log stream carries it
      }
      hello.addResume(
          HeldTask.newBuilder()
              .setTask(a.ref)
              .setState(
                  a.state == HeldAttempt.State.FINISHED
                      ? HeldState.HELD_FINISHED
                      : HeldState.HELD_RUNNING));
    }
    ControlObserver observer = new ControlObserver();
    try {
      SinkHubGrpc.newStub(channel).connect(observer);
      control = observer.stream;
      control.onNext(SinkMessage.newBuilder().setHello(hello).build());
    } catch (RuntimeException e) {
      control = null;
      long delay = backoff.next().toMillis();
      log.warn("cannot open a session with the Hub ({}): retrying in {} ms", e.toString(), delay);
      schedule(this::connect, delay);
    }
  }

  /** Receives the Hub's control messages and hands each to the loop. */
  private final class ControlObserver implements ClientResponseObserver<SinkMessage, HubMessage> {
    ClientCallStreamObserver<SinkMessage> stream;

    @Override
    public void beforeStart(ClientCallStreamObserver<SinkMessage> requestStream) {
      this.stream = requestStream;
    }

    @Override
    public void onNext(HubMessage m) {
      post(() -> onHubMessage(stream, m));
    }

    @Override
    public void onError(Throwable t) {
      post(() -> onControlClosed(stream, Status.fromThrowable(t)));
    }

    @Override
    public void onCompleted() {
      post(() -> onControlClosed(stream, Status.UNAVAILABLE.withDescription("closed by the Hub")));
    }
  }

  /** The name the channel expects in the Hub's certificate: TLS_SERVER_NAME, else HUB_HOST. */
  private String authority() {
    return TransportDiagnosis.host(channel.authority());
  }

  private void onControlClosed(ClientCallStreamObserver<SinkMessage> which, Status status) {
    if (which != control) {
      return; // an older stream
    }
    boolean wasUp = welcome != null;
    control = null;
    welcome = null;
    if (logs != null) {
      logs.cancel("control stream closed", null);
      logs = null;
    }
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
    if (wasUp) {
      listener.readinessChanged(false);
    }
    String failure = TransportDiagnosis.describe(status, settings.tls(), authority(), SETTINGS);
    // One cause can surface as several statuses (a reset, a close): said once, by its cause.
    String cause =
        TransportDiagnosis.explain(status, settings.tls(), authority(), SETTINGS).orElse(failure);
    if (status.getCode() == Status.Code.UNAUTHENTICATED
        || status.getCode() == Status.Code.PERMISSION_DENIED) {
      if (!cause.equals(lastCause)) {
        log.error("the Hub refused the sink's credentials: {}", failure);
      }
    } else if (wasUp) {
      log.warn("session with the Hub lost: {}", failure);
    } else if (!cause.equals(lastCause)) {
      log.warn(
          "cannot open a session with the Hub: {}; retrying with back-off up to {} s, and saying"
              + " so again only when the cause changes",
          failure,
          Backoff.MAX.toSeconds());
    }
    lastCause = cause;
    if (mode == Mode.STOPPED) {
      return;
    }
    if (mode == Mode.KILLING && ledger.isEmpty()) {
      stop(0);
      return;
    }
    long delay;
    if (mode == Mode.RESETTING) {
      mode = Mode.SERVING;
      delay = 0;
    } else {
      delay = backoff.next().toMillis();
    }
    schedule(this::connect, delay);
  }

  /**
   * When no session could be re-established within the lease TTL, the Hub has re-queued every lease
   * this sink holds: running them on would execute a task twice, so the sink stops them.
   */
  private void selfFence() {
    if (welcome != null || leaseTtlMs == 0 || now() - lastContact <= leaseTtlMs) {
      return;
    }
    List<HeldAttempt> fenced = new ArrayList<>();
    for (HeldAttempt a : ledger.values()) {
      if (!a.resultAcked) {
        fenced.add(a);
      }
    }
    if (fenced.isEmpty()) {
      return;
    }
    log.warn(
        "no session with the Hub for {} ms (lease TTL {} ms): stopping {} task(s) the Hub has"
            + " re-queued",
        now() - lastContact,
        leaseTtlMs,
        fenced.size());
    for (HeldAttempt a : fenced) {
      drop(a);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Messages from the Hub
  // -------------------------------------------------------------------------------------------

  private void onHubMessage(ClientCallStreamObserver<SinkMessage> which, HubMessage m) {
    if (which != control || mode == Mode.STOPPED) {
      return;
    }
    lastContact = now();
    switch (m.getBodyCase()) {
      case WELCOME -> onWelcome(m.getWelcome());
      case OFFER -> onOffer(m.getOffer());
      case LEASE_GRANTED -> onLeaseGranted(m.getLeaseGranted().getTask());
      case LEASE_DENIED ->
          onLeaseDenied(m.getLeaseDenied().getTask(), m.getLeaseDenied().getReason());
      case RESULT_ACK -> onResultAck(m.getResultAck().getTask(), m.getResultAck().getDisposition());
      case HEARTBEAT_ACK -> onHeartbeatAck(m.getHeartbeatAck().getRevokedList());
      case CANCEL -> onCancel(m.getCancel().getTask(), m.getCancel().getReason());
      case CONTROL -> onControl(m.getControl().getAction(), m.getControl().getReason());
      default -> log.warn("ignoring an unknown message from the Hub: {}", m.getBodyCase());
    }
  }

  private void onWelcome(Welcome w) {
    welcome = w;
    leaseTtlMs = w.getLeaseTtlMs();
    backoff.reset();
    lastCause = "";
    log.info(
        "session established with the Hub session={} heartbeat={}ms leaseTtl={}ms resumed={}",
        w.getSessionId(),
        w.getHeartbeatIntervalMs(),
        w.getLeaseTtlMs(),
        w.getResumeDecisionsCount());
    for (ResumeDecision d : w.getResumeDecisionsList()) {
      HeldAttempt a = ledger.get(d.getTask());
      if (a != null && d.getVerdict() == ResumeVerdict.FENCED) {
        log.warn(
            "task {} attempt {} fenced by the Hub: {}",
            d.getTask().getTaskId(),
            d.getTask().getAttempt(),
            d.getReason());
        drop(a);
      }
    }
    openLogs(w.getSessionId());
    for (HeldAttempt a : ledger.values()) {
      if (a.state == HeldAttempt.State.FINISHED && !a.resultAcked) {
        sendControl(
            a.release != null
                ? SinkMessage.newBuilder().setRelease(a.release)
                : SinkMessage.newBuilder().setResult(a.result));
      }
    }
    // The Hub counts credits per session: the new one starts from zero.
    owedCredits = 0;
    creditsOutstanding = 0;
    if (draining) {
      sendControl(
          SinkMessage.newBuilder().setDraining(Draining.newBuilder().setDeadlineMs(drainDeadline)));
    } else if (mode == Mode.SERVING) {
      grant(settings.concurrency() + settings.prefetch() - activeCount());
    }
    if (backpressured) {
      sendBackpressure(true, queueDepth());
    }
    heartbeat = every(this::sendHeartbeat, Math.max(100, w.getHeartbeatIntervalMs()));
    sendHeartbeat();
    if (!draining) {
      listener.readinessChanged(true);
    }
  }

  private void onOffer(TaskOffer offer) {
    creditsOutstanding = Math.max(0, creditsOutstanding - 1);
    String refusal =
        draining
            ? "draining"
            : mode != Mode.SERVING
                ? mode.name().toLowerCase()
                : taskBudget() <= 0 ? "task budget of " + settings.maxTasks() + " spent" : null;
    if (refusal != null) {
      sendControl(
          SinkMessage.newBuilder()
              .setDecline(Decline.newBuilder().setTask(offer.getTask()).setReason(refusal)));
      return;
    }
    HeldAttempt a = new HeldAttempt(offer);
    ledger.put(a.ref, a);
    sendControl(SinkMessage.newBuilder().setAccept(Accept.newBuilder().setTask(a.ref)));
  }

  private void onLeaseGranted(TaskRef ref) {
    HeldAttempt a = ledger.get(ref);
    if (a == null || a.state != HeldAttempt.State.ACCEPTING) {
      return;
    }
    a.state = HeldAttempt.State.WAITING;
    leasesTaken++;
    if (draining || mode != Mode.SERVING) {
      release(a, false, draining ? "sink draining" : "sink " + mode.name().toLowerCase());
      return;
    }
    startWaiting();
    updateBackpressure();
  }

  private void onLeaseDenied(TaskRef ref, String reason) {
    HeldAttempt a = ledger.remove(ref);
    log.info("lease denied task={} attempt={}: {}", ref.getTaskId(), ref.getAttempt(), reason);
    if (a != null && mode == Mode.SERVING && !draining) {
      grant(1);
    }
  }

  private void onResultAck(TaskRef ref, ResultDisposition disposition) {
    HeldAttempt a = ledger.get(ref);
    if (a == null || a.state != HeldAttempt.State.FINISHED) {
      return;
    }
    if (disposition != ResultDisposition.RECORDED
        && disposition != ResultDisposition.RELEASED
        && disposition != ResultDisposition.DUPLICATE) {
      log.warn(
          "the Hub did not record task {} attempt {}: {}",
          ref.getTaskId(),
          ref.getAttempt(),
          disposition);
    }
    a.resultAcked = true;
    if (disposition == ResultDisposition.STALE_ATTEMPT
        || disposition == ResultDisposition.REJECTED
        || disposition == ResultDisposition.RELEASED) {
      a.logDiscarded = true; // the Hub keeps no log for an attempt it did not record
    }
    forgetIfDone(a);
    updateBackpressure();
  }

  private void onHeartbeatAck(List<TaskRef> revoked) {
    for (TaskRef ref : revoked) {
      HeldAttempt a = ledger.get(ref);
      if (a != null) {
        log.warn(
            "the Hub revoked task {} attempt {}: stopping it", ref.getTaskId(), ref.getAttempt());
        drop(a);
      }
    }
    if (!draining && mode == Mode.SERVING) {
      listener.readinessChanged(true);
    }
  }

  private void onCancel(TaskRef ref, String reason) {
    HeldAttempt a = ledger.get(ref);
    if (a == null) {
      return;
    }
    switch (a.state) {
      case RUNNING -> a.running.cancel(reason);
      case WAITING, ACCEPTING -> finish(a, cancelledBeforeStart(reason));
      default -> {}
    }
  }

  private void onControl(SinkAction action, String reason) {
    log.info("control from the Hub: {} ({})", action, reason);
    switch (action) {
      case RESET, KILL -> {
        mode = action == SinkAction.RESET ? Mode.RESETTING : Mode.KILLING;
        listener.readinessChanged(false);
        releaseWaiting("sink " + mode.name().toLowerCase());
        maybeFinishStopping();
      }
      case FORCE_KILL -> {
        mode = Mode.KILLING;
        listener.readinessChanged(false);
        releaseWaiting("force kill from the Hub");
        for (HeldAttempt a : ledger.values()) {
          if (a.state == HeldAttempt.State.RUNNING) {
            a.releaseOnEnd = "force kill from the Hub";
            a.running.forceKill();
          }
        }
        // The releases go out as the processes die; the exit does not wait for their acks.
        schedule(() -> stop(0), settings.killGrace().toMillis() + 1000);
      }
      default -> log.warn("ignoring an unknown control action from the Hub: {}", action);
    }
  }

  /** After RESET or KILL: once nothing is held any more, reconnect or exit. */
  private void maybeFinishStopping() {
    if ((mode != Mode.RESETTING && mode != Mode.KILLING) || !ledger.isEmpty()) {
      return;
    }
    if (mode == Mode.KILLING) {
      stop(0);
    } else if (control != null) {
      // Closing the stream ends the session; onControlClosed reconnects at once in RESETTING.
      control.cancel("reset requested by the Hub", null);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Tasks
  // -------------------------------------------------------------------------------------------

  private int count(HeldAttempt.State state) {
    int n = 0;
    for (HeldAttempt a : ledger.values()) {
      if (a.state == state) {
        n++;
      }
    }
    return n;
  }

  /** Attempts that occupy a slot or wait for one (the credits they consumed are not returned). */
  private int activeCount() {
    return count(HeldAttempt.State.WAITING) + count(HeldAttempt.State.RUNNING);
  }

  private void startWaiting() {
    int running = count(HeldAttempt.State.RUNNING);
    for (HeldAttempt a : ledger.values()) {
      if (running >= settings.concurrency()) {
        return;
      }
      if (a.state != HeldAttempt.State.WAITING) {
        continue;
      }
      a.state = HeldAttempt.State.RUNNING;
      running++;
      a.running = executor.start(TaskSpec.fromOffer(a.offer), chunk -> post(() -> onLog(a, chunk)));
      sendControl(
          SinkMessage.newBuilder()
              .setStarted(
                  TaskStarted.newBuilder()
                      .setTask(a.ref)
                      .setStartedAtMs(a.running.startedAt().toEpochMilli())));
      a.running.outcome().thenAccept(o -> post(() -> finish(a, o)));
    }
  }

  private void finish(HeldAttempt a, TaskOutcome outcome) {
    if (ledger.get(a.ref) != a || a.state == HeldAttempt.State.FINISHED) {
      return; // dropped (fenced or revoked) meanwhile
    }
    boolean hadSlot = a.state == HeldAttempt.State.RUNNING || a.state == HeldAttempt.State.WAITING;
    a.state = HeldAttempt.State.FINISHED;
    if (a.releaseOnEnd != null) {
      a.release =
          Release.newBuilder().setTask(a.ref).setStarted(true).setReason(a.releaseOnEnd).build();
      sendControl(SinkMessage.newBuilder().setRelease(a.release));
    } else {
      a.result = outcome.toResult(a.ref.getTaskId(), a.ref.getAttempt());
      sendControl(SinkMessage.newBuilder().setResult(a.result));
    }
    if (hadSlot && !draining && mode == Mode.SERVING) {
      grant(1);
    }
    startWaiting();
    updateBackpressure();
  }

  /** Hands a leased, never-started attempt back: the Hub re-queues it without counting it. */
  private void release(HeldAttempt a, boolean started, String reason) {
    a.state = HeldAttempt.State.FINISHED;
    a.release = Release.newBuilder().setTask(a.ref).setStarted(started).setReason(reason).build();
    a.logDiscarded = !started; // it produced no output
    sendControl(SinkMessage.newBuilder().setRelease(a.release));
  }

  private void releaseWaiting(String reason) {
    for (HeldAttempt a : new ArrayList<>(ledger.values())) {
      if (a.state == HeldAttempt.State.WAITING) {
        release(a, false, reason);
      }
    }
    updateBackpressure();
  }

  /** Forgets an attempt the Hub no longer leases to this sink, stopping it if it runs. */
  private void drop(HeldAttempt a) {
    ledger.remove(a.ref);
    if (a.running != null && a.running.isRunning()) {
      a.running.forceKill();
    }
    updateBackpressure();
    maybeFinishStopping();
    maybeRetire();
  }

  private void forgetIfDone(HeldAttempt a) {
    if (a.resultAcked && a.logDone()) {
      ledger.remove(a.ref);
      maybeFinishStopping();
      maybeRetire();
    }
  }

  /**
   * Tasks this sink may still take: unlimited (MAX_VALUE) without MAX_TASKS, else the budget minus
   * the leases taken and the accepted offers still waiting for theirs.
   */
  private int taskBudget() {
    if (settings.maxTasks() <= 0) {
      return Integer.MAX_VALUE;
    }
    return settings.maxTasks() - leasesTaken - count(HeldAttempt.State.ACCEPTING);
  }

  /**
   * A sink with a spent MAX_TASKS budget drains once the Hub holds every result and log, so an
   * ephemeral sink exits 0 right after delivering its one task and never sees a second.
   */
  private void maybeRetire() {
    if (settings.maxTasks() > 0
        && leasesTaken >= settings.maxTasks()
        && ledger.isEmpty()
        && mode == Mode.SERVING) {
      log.info("task budget of {} spent and delivered: draining", settings.maxTasks());
      beginDrain();
    }
  }

  private TaskOutcome cancelledBeforeStart(String reason) {
    Instant at = clock.instant();
    return new TaskOutcome(
        TaskState.ERROR,
        -1,
        List.of("cancelled: " + reason),
        "",
        at,
        at,
        new LogStats(0, 0, 0),
        true);
  }

  // -------------------------------------------------------------------------------------------
  // Credits and back-pressure
  // -------------------------------------------------------------------------------------------

  private void grant(int credits) {
    long budget = (long) taskBudget() - creditsOutstanding;
    credits = (int) Math.min(credits, budget);
    if (credits <= 0) {
      return;
    }
    if (backpressured || welcome == null) {
      owedCredits += credits;
      return;
    }
    creditsOutstanding += credits;
    sendControl(SinkMessage.newBuilder().setCredit(CreditGrant.newBuilder().setCredits(credits)));
  }

  /** Local queue depth: leased attempts waiting for a slot plus results the Hub has not acked. */
  private int queueDepth() {
    int depth = 0;
    for (HeldAttempt a : ledger.values()) {
      if (a.state == HeldAttempt.State.WAITING
          || (a.state == HeldAttempt.State.FINISHED && !a.resultAcked)) {
        depth++;
      }
    }
    return depth;
  }

  /** Engages at the threshold, releases at half of it, so the signal does not flap. */
  private void updateBackpressure() {
    int depth = queueDepth();
    int threshold = settings.backpressureThreshold();
    boolean engage = !backpressured && depth >= threshold;
    boolean release = backpressured && depth <= threshold / 2;
    if (!engage && !release) {
      return;
    }
    backpressured = engage;
    log.info(
        "back-pressure {} depth={} threshold={}",
        engage ? "engaged" : "released",
        depth,
        threshold);
    sendBackpressure(engage, depth);
    if (release && owedCredits > 0 && !draining && mode == Mode.SERVING) {
      int owed = owedCredits;
      owedCredits = 0;
      grant(owed);
    }
  }

  private void sendBackpressure(boolean engaged, int depth) {
    sendControl(
        SinkMessage.newBuilder()
            .setBackpressure(
                Backpressure.newBuilder()
                    .setEngaged(engaged)
                    .setQueueDepth(depth)
                    .setThreshold(settings.backpressureThreshold())));
  }

  // -------------------------------------------------------------------------------------------
  // Heartbeats and logs
  // -------------------------------------------------------------------------------------------

  private void sendHeartbeat() {
    if (welcome == null) {
      return;
    }
    long silentFor = now() - lastContact;
    long limit = silenceLimitMs(welcome.getHeartbeatIntervalMs(), leaseTtlMs);
    if (silentFor > limit && control != null) {
      // A half-open connection (no data, no FIN, no RST) shows only as silence. TCP keepalive
      // would notice after 30 s, past a short lease TTL; reconnecting now resumes the leases.
      log.warn(
          "the Hub has answered nothing for {} ms ({} heartbeats of {} ms unacknowledged):"
              + " ending the session to reconnect",
          silentFor,
          silentFor / Math.max(1, welcome.getHeartbeatIntervalMs()),
          welcome.getHeartbeatIntervalMs());
      listener.connectionSilent();
      control.cancel("the Hub is silent", null);
      return;
    }
    Heartbeat.Builder hb =
        Heartbeat.newBuilder()
            .setSeq(++heartbeatSeq)
            .setQueueDepth(queueDepth())
            .setSentAtMs(now());
    for (HeldAttempt a : ledger.values()) {
      if (a.state != HeldAttempt.State.ACCEPTING && !a.resultAcked) {
        hb.addHeld(a.ref);
      }
    }
    sendControl(SinkMessage.newBuilder().setHeartbeat(hb));
  }

  /**
   * How long the Hub may stay silent before the session is ended: {@value #SILENT_HEARTBEATS}
   * heartbeat intervals, and never more than half the lease TTL, so a reconnect still finds its
   * leases.
   */
  static long silenceLimitMs(long heartbeatIntervalMs, long leaseTtlMs) {
    long limit = SILENT_HEARTBEATS * Math.max(100, heartbeatIntervalMs);
    return leaseTtlMs > 0 ? Math.min(limit, Math.max(leaseTtlMs / 2, heartbeatIntervalMs)) : limit;
  }

  private void onLog(HeldAttempt a, OutputChunk chunk) {
    if (ledger.get(a.ref) != a) {
      return; // fenced: its output is not wanted
    }
    a.log.add(chunk);
    flushLogs();
  }

  private void openLogs(String sessionId) {
    Metadata headers = new Metadata();
    headers.put(ProtocolMetadata.SESSION_ID, sessionId);
    LogObserver observer = new LogObserver(sessionId);
    SinkHubGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        // gRPC's default (32 KiB) turns the stream unready after every 64 KiB chunk, so each chunk
        // waited for the transport to drain the one before; 1 MiB forwards about 30 % faster
        // (logs benchmark) and bounds what the transport holds per sink.
        .withOnReadyThreshold(LOG_STREAM_READY_BYTES)
        .streamLogs(observer);
    logs = observer.stream;
    for (HeldAttempt a : ledger.values()) {
      a.logSentUpTo = -1; // resend from what the Hub acknowledged
      a.eofSent = false;
    }
    flushLogs();
  }

  /** Receives log acknowledgements; a failed log stream is re-opened while its session lives. */
  private final class LogObserver implements ClientResponseObserver<LogChunk, LogAck> {
    private final String sessionId;
    ClientCallStreamObserver<LogChunk> stream;

    LogObserver(String sessionId) {
      this.sessionId = sessionId;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<LogChunk> requestStream) {
      stream = requestStream;
      requestStream.setOnReadyHandler(() -> post(HubSession.this::flushLogs));
    }

    @Override
    public void onNext(LogAck ack) {
      post(() -> onLogAck(ack));
    }

    @Override
    public void onError(Throwable t) {
      post(() -> onLogsClosed(this, Status.fromThrowable(t)));
    }

    @Override
    public void onCompleted() {
      post(() -> onLogsClosed(this, Status.UNAVAILABLE.withDescription("closed by the Hub")));
    }
  }

  private void onLogsClosed(LogObserver which, Status status) {
    if (which.stream != logs) {
      return; // closed with its session
    }
    logs = null;
    log.warn("log stream closed ({}): re-opening it", status.getCode());
    schedule(
        () -> {
          if (welcome != null && welcome.getSessionId().equals(which.sessionId) && logs == null) {
            openLogs(which.sessionId);
          }
        },
        LOG_STREAM_RETRY_MS);
  }

  /** Sends, in order and while the stream is ready, every chunk not yet sent on this stream. */
  private void flushLogs() {
    if (logs == null) {
      return;
    }
    for (HeldAttempt a : ledger.values()) {
      for (OutputChunk c : a.log.pending()) {
        boolean sent = c.eof() ? a.eofSent : c.endOffset() <= a.logSentUpTo;
        if (sent) {
          continue;
        }
        if (!logs.isReady()) {
          return; // the on-ready handler resumes here
        }
        logs.onNext(c.toProto());
        a.logSentUpTo = Math.max(a.logSentUpTo, c.endOffset());
        a.eofSent |= c.eof();
      }
    }
  }

  private void onLogAck(LogAck ack) {
    HeldAttempt a = ledger.get(ack.getTask());
    if (a == null) {
      return;
    }
    if (ack.getDiscard()) {
      a.logDiscarded = true;
    } else {
      a.log.ack(ack.getAckedOffset(), a.eofSent);
    }
    forgetIfDone(a);
  }

  private void sendControl(SinkMessage.Builder m) {
    // Before Welcome only Hello goes out; everything else is held and replayed on Welcome.
    if (control != null && welcome != null) {
      control.onNext(m.build());
    }
  }

  // -------------------------------------------------------------------------------------------
  // Drain and stop
  // -------------------------------------------------------------------------------------------

  private void beginDrain() {
    if (draining || mode == Mode.STOPPED) {
      return;
    }
    draining = true;
    listener.readinessChanged(false);
    long timeout = settings.drainTimeout().toMillis();
    drainDeadline = now() + timeout;
    log.info(
        "draining: {} task(s) running, deadline in {} ms",
        count(HeldAttempt.State.RUNNING),
        timeout);
    sendControl(
        SinkMessage.newBuilder().setDraining(Draining.newBuilder().setDeadlineMs(drainDeadline)));
    releaseWaiting("sink draining");
    schedule(this::drainDeadlineReached, timeout);
    // The bound that holds whatever the Hub does: drain timeout + kill grace + delivery slack.
    Duration hardStop = settings.drainTimeout().plus(settings.killGrace()).plusSeconds(3);
    schedule(
        () -> {
          if (!ledger.isEmpty()) {
            log.warn(
                "drain bound of {} ms reached with {} attempt(s) undelivered: the Hub re-queues"
                    + " them when their leases expire",
                hardStop.toMillis(),
                ledger.size());
          }
          stop(0);
        },
        hardStop.toMillis());
    every(this::checkDrained, 50);
  }

  private void drainDeadlineReached() {
    for (HeldAttempt a : ledger.values()) {
      if (a.state == HeldAttempt.State.RUNNING) {
        a.releaseOnEnd = "drain deadline reached";
        a.running.cancel("drain deadline reached");
      }
    }
  }

  private void checkDrained() {
    if (ledger.isEmpty()) {
      stop(0); // every result and every log delivered
    }
  }

  private void stop(int code) {
    if (mode == Mode.STOPPED) {
      return;
    }
    mode = Mode.STOPPED;
    for (HeldAttempt a : ledger.values()) {
      if (a.running != null && a.running.isRunning()) {
        a.running.forceKill();
      }
    }
    if (control != null) {
      control.cancel("sink stopping", null);
      control = null;
    }
    if (logs != null) {
      logs.cancel("sink stopping", null);
      logs = null;
    }
    listener.readinessChanged(false);
    log.info("sink stopped with exit code {}", code);
    exit.complete(code);
    loop.shutdownNow();
  }
}
