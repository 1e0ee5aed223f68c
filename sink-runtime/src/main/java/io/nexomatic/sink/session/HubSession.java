package io.nexomatic.sink.session;

import io.grpc.Channel;
import io.nexomatic.protocol.v1.Accept;
import io.nexomatic.protocol.v1.Decline;
import io.nexomatic.protocol.v1.Hello;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.Release;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.ResumeDecision;
import io.nexomatic.protocol.v1.ResumeVerdict;
import io.nexomatic.protocol.v1.SinkAction;
import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.TaskOffer;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.Welcome;
import io.nexomatic.sink.exec.TaskExecutor;
import io.nexomatic.sink.exec.TaskOutcome;
import io.nexomatic.sink.session.DrainCoordinator.Lifecycle;
import io.nexomatic.sink.tracing.AttemptTracing;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's side of the protocol: one control stream and one log stream to the Hub, re-opened with
 * backoff when they drop, and every attempt the sink holds kept until the Hub has its result and
 * its log.
 *
 * <p>This class decides what each Hub message and each task outcome means; its parts keep the
 * state: the {@link AttemptLedger} (attempts and their states), the {@link CreditGate} (credits,
 * MAX_TASKS, back-pressure), the {@link AttemptStarter} (processes), the {@link ControlChannel} and
 * {@link LogChannel} (streams and reconnects), {@link Heartbeats}, and the {@link DrainCoordinator}
 * (lifecycle, drain, exit). All of it runs on one {@link SessionLoop}, so no lock guards the ledger
 * and no decision races another.
 */
public final class HubSession {
  private static final Logger log = LoggerFactory.getLogger(HubSession.class);

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
  private final Listener listener;
  private final SessionLoop loop;
  private final AttemptLedger ledger = new AttemptLedger();
  private final ControlChannel control;
  private final LogChannel logs;
  private final CreditGate credits;
  private final Heartbeats heartbeats;
  private final DrainCoordinator drain;
  private final AttemptTracing tracing;
  private final AttemptStarter starter;

  /**
   * A session over {@code channel}, which must carry the sink's credentials (see {@link
   * SinkCallCredentials#attachTo}), tracing its attempts to {@code openTelemetry} (the no-op when
   * the sink does not trace). Nothing happens until {@link #start()}.
   */
  public HubSession(
      SessionSettings settings,
      Channel channel,
      TaskExecutor executor,
      Listener listener,
      Clock clock,
      OpenTelemetry openTelemetry) {
    this(
        settings,
        channel,
        executor,
        listener,
        new ExecutorSessionLoop(clock),
        new AttemptTracing(openTelemetry, settings.sinkUuid()));
  }

  /** As above, on a given loop: tests pass one whose clock and timers they move by hand. */
  HubSession(
      SessionSettings settings,
      Channel channel,
      TaskExecutor executor,
      Listener listener,
      SessionLoop loop,
      AttemptTracing tracing) {
    this.settings = settings;
    this.tracing = tracing;
    this.listener = listener;
    this.loop = loop;
    this.control = new ControlChannel(channel, settings, loop);
    this.logs = new LogChannel(channel, loop, ledger, control, this::forgetIfDelivered);
    this.credits = new CreditGate(settings, ledger, control);
    this.heartbeats = new Heartbeats(loop, control, ledger, listener);
    this.drain = new DrainCoordinator(settings, loop, ledger, control, listener);
    this.starter =
        new AttemptStarter(
            settings.concurrency(), executor, loop, ledger, control, logs, this::finish);
    control.bind(this::onHubMessage, this::onSessionEnded, this::connect);
    drain.bind(this::releaseWaiting, reason -> recallRunning(reason, false), this::shutDown);
  }

  /** Starts connecting; the returned future completes with the exit code when the sink stops. */
  public CompletableFuture<Integer> start() {
    loop.post(
        () -> {
          heartbeats.heardFromHub();
          connect();
        });
    loop.every(this::selfFence, 1000);
    return drain.exit();
  }

  /**
   * Graceful shutdown (SIGTERM): take no more tasks, tell the Hub, hand back leased tasks that have
   * not started, let running tasks finish until the drain deadline, hand back what is still running
   * then, deliver every result and log, and complete with exit code 0. Bounded whatever the Hub
   * does: it completes within the drain timeout plus the kill grace plus three seconds.
   */
  public CompletableFuture<Integer> drain() {
    loop.post(drain::begin);
    return drain.exit();
  }

  private void connect() {
    if (drain.is(Lifecycle.STOPPED) || control.isOpen()) {
      return;
    }
    // Accepted offers without a LeaseGrant died with the old session: the Hub re-queued them.
    ledger.forgetAccepting();
    Hello.Builder hello =
        settings.hello().setDraining(drain.is(Lifecycle.DRAINING)).addAllResume(ledger.resumable());
    control.open(hello.build());
  }

  private ControlChannel.Reconnect onSessionEnded(boolean wasUp) {
    logs.close("control stream closed");
    heartbeats.stop();
    if (wasUp) {
      listener.readinessChanged(false);
    }
    return drain.sessionEnded();
  }

  /**
   * When no session could be re-established within the lease TTL, the Hub has re-queued every lease
   * this sink holds: running them on would execute a task twice, so the sink stops them.
   */
  private void selfFence() {
    if (!heartbeats.leasesLapsed()) {
      return;
    }
    List<Attempt> fenced = ledger.resultOwed();
    if (fenced.isEmpty()) {
      return;
    }
    log.warn(
        "no session with the Hub for {} ms (lease TTL {} ms): stopping {} task(s) the Hub has"
            + " re-queued",
        heartbeats.silentForMs(),
        heartbeats.leaseTtlMs(),
        fenced.size());
    for (Attempt a : fenced) {
      drop(a);
    }
  }

  private void onHubMessage(HubMessage m) {
    if (drain.is(Lifecycle.STOPPED)) {
      return;
    }
    heartbeats.heardFromHub();
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
    control.welcomed(w);
    log.info(
        "session established with the Hub session={} heartbeat={}ms leaseTtl={}ms resumed={}",
        w.getSessionId(),
        w.getHeartbeatIntervalMs(),
        w.getLeaseTtlMs(),
        w.getResumeDecisionsCount());
    for (ResumeDecision d : w.getResumeDecisionsList()) {
      Attempt a = ledger.get(d.getTask());
      if (a != null && d.getVerdict() == ResumeVerdict.FENCED) {
        log.warn(
            "task {} attempt {} fenced by the Hub: {}",
            d.getTask().getTaskId(),
            d.getTask().getAttempt(),
            d.getReason());
        drop(a);
      }
    }
    logs.open(w.getSessionId());
    // Results and releases sent before the session ended may be lost: the Hub dedups them.
    for (Attempt a : ledger.where(a -> a.is(Attempt.State.REPORTED))) {
      control.send(a.report().toBuilder());
    }
    credits.sessionStarted();
    if (drain.is(Lifecycle.DRAINING)) {
      drain.repeatDraining();
    } else if (drain.is(Lifecycle.SERVING)) {
      credits.grantOpening();
    }
    credits.repeatBackpressure();
    heartbeats.start(w);
    if (!drain.is(Lifecycle.DRAINING)) {
      listener.readinessChanged(true);
    }
  }

  private void onOffer(TaskOffer offer) {
    credits.offerReceived();
    TaskRef ref = offer.getTask();
    String refusal =
        !drain.is(Lifecycle.SERVING)
            ? drain.phase().label()
            : credits.budgetLeft() <= 0 ? "task budget of " + settings.maxTasks() + " spent" : null;
    if (refusal != null) {
      control.send(
          SinkMessage.newBuilder()
              .setDecline(Decline.newBuilder().setTask(ref).setReason(refusal)));
      return;
    }
    Attempt a = new Attempt(offer, tracing.begin(offer));
    ledger.add(a);
    control.send(
        SinkMessage.newBuilder()
            .setAccept(Accept.newBuilder().setTask(ref).setTraceContext(a.trace.accepting())));
  }

  private void onLeaseGranted(TaskRef ref) {
    Attempt a = ledger.get(ref);
    if (a == null || !a.is(Attempt.State.ACCEPTING)) {
      return;
    }
    a.leased();
    credits.leaseTaken();
    if (!drain.is(Lifecycle.SERVING)) {
      release(a, "sink " + drain.phase().label());
      return;
    }
    starter.startWaiting();
    credits.update(true);
  }

  private void onLeaseDenied(TaskRef ref, String reason) {
    Attempt a = ledger.get(ref);
    if (a != null) {
      a.trace.denied(reason);
      ledger.remove(a);
    }
    log.info("lease denied task={} attempt={}: {}", ref.getTaskId(), ref.getAttempt(), reason);
    if (a != null && drain.is(Lifecycle.SERVING)) {
      credits.grant(1);
    }
  }

  private void onResultAck(TaskRef ref, ResultDisposition disposition) {
    Attempt a = ledger.get(ref);
    if (a == null || !(a.is(Attempt.State.REPORTED) || a.is(Attempt.State.ACKNOWLEDGED))) {
      return; // not ended yet: an acknowledgement of nothing the sink sent
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
    if (a.is(Attempt.State.REPORTED)) {
      a.acknowledged(disposition);
    }
    if (disposition == ResultDisposition.STALE_ATTEMPT
        || disposition == ResultDisposition.REJECTED
        || disposition == ResultDisposition.RELEASED) {
      a.log.discard(); // the Hub keeps no log for an attempt it did not record
    }
    forgetIfDelivered(a);
    credits.update(drain.is(Lifecycle.SERVING));
  }

  private void onHeartbeatAck(List<TaskRef> revoked) {
    for (TaskRef ref : revoked) {
      Attempt a = ledger.get(ref);
      if (a != null) {
        log.warn(
            "the Hub revoked task {} attempt {}: stopping it", ref.getTaskId(), ref.getAttempt());
        drop(a);
      }
    }
    if (drain.is(Lifecycle.SERVING)) {
      listener.readinessChanged(true);
    }
  }

  private void onCancel(TaskRef ref, String reason) {
    Attempt a = ledger.get(ref);
    if (a == null) {
      return;
    }
    switch (a.state()) {
      case RUNNING, RECALLED -> a.running().cancel(reason);
      case WAITING, ACCEPTING ->
          finish(a, TaskOutcome.cancelledBeforeStart(reason, loop.clock().instant()));
      default -> {}
    }
  }

  private void onControl(SinkAction action, String reason) {
    log.info("control from the Hub: {} ({})", action, reason);
    switch (action) {
      case RESET, KILL -> {
        drain.hubAsked(action == SinkAction.RESET ? Lifecycle.RESETTING : Lifecycle.KILLING);
        listener.readinessChanged(false);
        releaseWaiting("sink " + drain.phase().label());
        drain.ledgerShrank();
      }
      case FORCE_KILL -> {
        drain.hubAsked(Lifecycle.KILLING);
        listener.readinessChanged(false);
        releaseWaiting("force kill from the Hub");
        recallRunning("force kill from the Hub", true);
        // The releases go out as the processes die; the exit does not wait for their acks.
        loop.schedule(() -> drain.stop(0), settings.killGrace().toMillis() + 1000);
      }
      default -> log.warn("ignoring an unknown control action from the Hub: {}", action);
    }
  }

  private void finish(Attempt a, TaskOutcome outcome) {
    if (!ledger.holds(a) || !a.state().resultOwed() || a.is(Attempt.State.REPORTED)) {
      return; // dropped (fenced or revoked) or already reported meanwhile
    }
    boolean hadSlot = a.state().occupiesSlot() || a.is(Attempt.State.WAITING);
    if (a.is(Attempt.State.RECALLED)) {
      a.released(
          Release.newBuilder().setTask(a.ref).setStarted(true).setReason(a.recallReason()).build());
    } else {
      a.reported(outcome.toResult(a.ref.getTaskId(), a.ref.getAttempt()));
    }
    control.send(a.report().toBuilder());
    if (hadSlot && drain.is(Lifecycle.SERVING)) {
      credits.grant(1);
    }
    starter.startWaiting();
    credits.update(drain.is(Lifecycle.SERVING));
  }

  /** Hands a leased, never-started attempt back: the Hub re-queues it without counting it. */
  private void release(Attempt a, String reason) {
    a.released(Release.newBuilder().setTask(a.ref).setStarted(false).setReason(reason).build());
    control.send(a.report().toBuilder());
  }

  private void releaseWaiting(String reason) {
    for (Attempt a : ledger.where(a -> a.is(Attempt.State.WAITING))) {
      release(a, reason);
    }
    credits.update(drain.is(Lifecycle.SERVING));
  }

  /**
   * Asks every running attempt to end and hands it back when it does: gently at the drain deadline,
   * by killing its process group on a Hub force kill.
   */
  private void recallRunning(String reason, boolean forcibly) {
    for (Attempt a : ledger.where(a -> a.state().occupiesSlot())) {
      a.recall(reason);
      if (forcibly) {
        a.running().forceKill();
      } else {
        a.running().cancel(reason);
      }
    }
  }

  /** Forgets an attempt the Hub no longer leases to this sink, stopping it if it runs. */
  private void drop(Attempt a) {
    ledger.remove(a);
    a.killIfRunning();
    credits.update(drain.is(Lifecycle.SERVING));
    ledgerShrank();
  }

  private void forgetIfDelivered(Attempt a) {
    if (a.delivered()) {
      ledger.remove(a);
      ledgerShrank();
    }
  }

  private void ledgerShrank() {
    drain.ledgerShrank();
    // A spent MAX_TASKS budget drains once the Hub holds every result and log, so an ephemeral
    // sink exits 0 right after delivering its one task and never sees a second.
    if (credits.budgetSpent() && ledger.isEmpty() && drain.is(Lifecycle.SERVING)) {
      log.info("task budget of {} spent and delivered: draining", settings.maxTasks());
      drain.begin();
    }
  }

  /** The sink stops: kill what still runs and close both streams. */
  private void shutDown() {
    for (Attempt a : ledger.all()) {
      a.killIfRunning();
    }
    control.close("sink stopping");
    logs.close("sink stopping");
  }
}
