package io.nexomatic.sink.session;

import io.nexomatic.protocol.v1.Draining;
import io.nexomatic.protocol.v1.SinkMessage;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the sink is in its life (serving, resetting, killing, draining, stopped) and the drain's
 * bounds: the deadline that recalls running attempts, and the hard stop that holds whatever the Hub
 * does, so no shutdown hangs. The only place the sink's exit code is set.
 */
final class DrainCoordinator {
  private static final Logger log = LoggerFactory.getLogger(DrainCoordinator.class);

  /** How often a drain checks whether everything is delivered. */
  static final long DRAINED_CHECK_MS = 50;

  /**
   * The sink's lifecycle; changed only through {@link #moveTo}. Once draining, a Hub RESET or KILL
   * no longer changes the phase: the drain already finishes what runs and then exits, and its
   * bounds must stay in force.
   */
  enum Lifecycle {
    /** Takes work. */
    SERVING,
    /** Finishes what runs, then reconnects (Hub RESET). */
    RESETTING,
    /** Finishes what runs, then exits (Hub KILL). */
    KILLING,
    /** Finishes what runs until the drain deadline, hands back the rest, then exits (SIGTERM). */
    DRAINING,
    /** Exited. */
    STOPPED;

    private Set<Lifecycle> next() {
      return switch (this) {
        case SERVING -> EnumSet.of(RESETTING, KILLING, DRAINING, STOPPED);
        case RESETTING -> EnumSet.of(SERVING, RESETTING, KILLING, DRAINING, STOPPED);
        case KILLING -> EnumSet.of(RESETTING, KILLING, DRAINING, STOPPED);
        case DRAINING -> EnumSet.of(STOPPED);
        case STOPPED -> EnumSet.noneOf(Lifecycle.class);
      };
    }

    /** Lower-case name, as the reasons sent to the Hub spell it ("sink killing"). */
    String label() {
      return name().toLowerCase();
    }
  }

  private final SessionSettings settings;
  private final SessionLoop loop;
  private final AttemptLedger ledger;
  private final ControlChannel control;
  private final HubSession.Listener listener;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private Consumer<String> releaseWaiting;
  private Consumer<String> recallRunning;
  private Runnable shutDown;
  private Lifecycle phase = Lifecycle.SERVING;
  private long deadline;

  DrainCoordinator(
      SessionSettings settings,
      SessionLoop loop,
      AttemptLedger ledger,
      ControlChannel control,
      HubSession.Listener listener) {
    this.settings = settings;
    this.loop = loop;
    this.ledger = ledger;
    this.control = control;
    this.listener = listener;
  }

  /**
   * Wires the session in, called on the loop: {@code releaseWaiting} hands back every leased
   * attempt that has not started, {@code recallRunning} asks every running one to end and hands it
   * back when it does, {@code shutDown} closes the streams and kills what still runs.
   */
  void bind(Consumer<String> releaseWaiting, Consumer<String> recallRunning, Runnable shutDown) {
    this.releaseWaiting = releaseWaiting;
    this.recallRunning = recallRunning;
    this.shutDown = shutDown;
  }

  Lifecycle phase() {
    return phase;
  }

  boolean is(Lifecycle l) {
    return phase == l;
  }

  /** Completes with the exit code when the sink stops. */
  CompletableFuture<Integer> exit() {
    return exit;
  }

  private void moveTo(Lifecycle next) {
    if (!phase.next().contains(next)) {
      throw new IllegalStateException("sink lifecycle: " + phase + " -> " + next);
    }
    phase = next;
  }

  /** A Hub RESET or KILL: finish what runs first. A drain in progress stays a drain. */
  void hubAsked(Lifecycle resetOrKill) {
    if (phase != Lifecycle.DRAINING && phase != Lifecycle.STOPPED) {
      moveTo(resetOrKill);
    }
  }

  /** The control stream closed: say how the session goes on. */
  ControlChannel.Reconnect sessionEnded() {
    switch (phase) {
      case STOPPED -> {
        return ControlChannel.Reconnect.NEVER;
      }
      case KILLING -> {
        if (ledger.isEmpty()) {
          stop(0);
          return ControlChannel.Reconnect.NEVER;
        }
      }
      case RESETTING -> {
        moveTo(Lifecycle.SERVING);
        return ControlChannel.Reconnect.NOW;
      }
      default -> {}
    }
    return ControlChannel.Reconnect.WITH_BACKOFF;
  }

  /** After RESET or KILL: once nothing is held any more, reconnect or exit. */
  void ledgerShrank() {
    if (!ledger.isEmpty()) {
      return;
    }
    if (phase == Lifecycle.KILLING) {
      stop(0);
    } else if (phase == Lifecycle.RESETTING && control.isOpen()) {
      // Closing the stream ends the session; sessionEnded reconnects at once while RESETTING.
      control.end("reset requested by the Hub");
    }
  }

  /** Tells a new session that the sink drains, if it does. */
  void repeatDraining() {
    if (phase == Lifecycle.DRAINING) {
      sendDraining();
    }
  }

  private void sendDraining() {
    control.send(
        SinkMessage.newBuilder().setDraining(Draining.newBuilder().setDeadlineMs(deadline)));
  }

  /**
   * Graceful shutdown: take no more tasks, tell the Hub, hand back leased tasks that have not
   * started, recall running ones at the drain deadline, and stop once everything is delivered, or
   * at the hard bound (drain timeout + kill grace + 3 s) whatever the Hub does.
   */
  void begin() {
    if (phase == Lifecycle.DRAINING || phase == Lifecycle.STOPPED) {
      return;
    }
    moveTo(Lifecycle.DRAINING);
    listener.readinessChanged(false);
    long timeout = settings.drainTimeout().toMillis();
    deadline = loop.now() + timeout;
    log.info("draining: {} task(s) running, deadline in {} ms", ledger.slotsInUse(), timeout);
    sendDraining();
    releaseWaiting.accept("sink draining");
    loop.schedule(() -> recallRunning.accept("drain deadline reached"), timeout);
    Duration hardStop = settings.drainTimeout().plus(settings.killGrace()).plusSeconds(3);
    loop.schedule(
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
    loop.every(
        () -> {
          if (ledger.isEmpty()) {
            stop(0); // every result and every log delivered
          }
        },
        DRAINED_CHECK_MS);
  }

  /** Stops the sink with {@code code}: once, and the loop with it. */
  void stop(int code) {
    if (phase == Lifecycle.STOPPED) {
      return;
    }
    moveTo(Lifecycle.STOPPED);
    shutDown.run();
    listener.readinessChanged(false);
    log.info("sink stopped with exit code {}", code);
    exit.complete(code);
    loop.shutdown();
  }
}
