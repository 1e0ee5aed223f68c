package io.nexomatic.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.hub.HubObservation;
import io.nexomatic.operator.hub.HubQueueSource;
import io.nexomatic.operator.hub.HubReadException;
import io.nexomatic.operator.hub.HubTarget;
import io.nexomatic.operator.model.SinkFleet;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls each fleet's Hub off the reconcile threads, the way JOSDK's mysql-schema sample polls its
 * database as a cached secondary resource: the latest {@link HubObservation} per fleet is kept and
 * a reconcile is triggered when a poll says something new. A few poll threads serve every fleet,
 * each at its own poll interval, and every read has a deadline enforced here (by interrupting the
 * read), whatever the Hub client does: a black-hole Hub holds one poll thread for at most {@link
 * HubObservation#READ_DEADLINE} per poll, and no reconcile at all.
 */
public final class HubPollingEventSource extends AbstractEventSource<HubObservation, SinkFleet>
    implements FleetHubReader, ResourceEventAware<SinkFleet> {

  /** Threads that read Hubs; a read takes milliseconds, a dead Hub one deadline. */
  static final int POLL_THREADS = 4;

  private static final Logger log = LoggerFactory.getLogger(HubPollingEventSource.class);

  private final HubQueueSource hub;
  private final Clock clock;
  private final Duration deadline;
  private final Map<ResourceID, Poll> polls = new ConcurrentHashMap<>();
  private volatile ScheduledExecutorService timer;
  private volatile ExecutorService readers;

  /** Polls through {@code hub}; observations are stamped with {@code clock}. */
  public HubPollingEventSource(HubQueueSource hub, Clock clock) {
    super(HubObservation.class, "hub-polling");
    this.hub = hub;
    this.clock = clock;
    this.deadline = HubObservation.READ_DEADLINE;
  }

  /** One fleet's poll: what to read, with what, how often, and the latest observation. */
  private static final class Poll {
    final ResourceID id;
    final HubTarget target;
    volatile SinkFleet fleet;
    volatile DerivedCredentials credentials;
    volatile Duration interval;
    volatile HubObservation latest;
    private boolean cancelled;
    private ScheduledFuture<?> next;

    Poll(ResourceID id, HubTarget target, HubObservation latest) {
      this.id = id;
      this.target = target;
      this.latest = latest;
    }

    synchronized boolean cancelled() {
      return cancelled;
    }

    synchronized void cancel() {
      cancelled = true;
      if (next != null) {
        next.cancel(false);
      }
    }
  }

  /** One read against its deadline: whichever of the two ends it first decides what is recorded. */
  private static final class Attempt {
    private final Thread reader;
    private boolean done;

    Attempt(Thread reader) {
      this.reader = reader;
    }

    /** The deadline passed: interrupts the read; true when this ended the attempt. */
    synchronized boolean expire() {
      if (done) {
        return false;
      }
      done = true;
      reader.interrupt();
      return true;
    }

    /** The read returned: true when it did so before the deadline. */
    synchronized boolean finish() {
      if (done) {
        return false;
      }
      done = true;
      return true;
    }
  }

  @Override
  public void start() {
    timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("hub-poll-timer"));
    readers = Executors.newFixedThreadPool(POLL_THREADS, daemonThreads("hub-poll-"));
    super.start();
    polls.values().forEach(p -> schedule(p, Duration.ZERO));
  }

  @Override
  public void stop() {
    super.stop();
    polls.values().forEach(Poll::cancel);
    polls.clear(); // a restart (leadership regained) polls every fleet afresh
    if (timer != null) {
      timer.shutdownNow();
      readers.shutdownNow();
    }
  }

  @Override
  public HubObservation observe(SinkFleet fleet, DerivedCredentials credentials) {
    var id = ResourceID.fromResource(fleet);
    var target = HubTarget.of(fleet, credentials);
    var fresh = new Poll[1];
    var poll =
        polls.compute(
            id,
            (key, old) -> {
              if (old != null && old.target.equals(target)) {
                return old;
              }
              if (old != null) {
                old.cancel(); // its readings are of another Hub, or were read as someone else
              }
              fresh[0] = new Poll(id, target, HubObservation.awaiting(target, clock.instant()));
              return fresh[0];
            });
    poll.fleet = fleet;
    poll.credentials = credentials;
    poll.interval = EffectiveFleet.of(fleet.getSpec()).pollInterval();
    if (fresh[0] != null) {
      schedule(fresh[0], Duration.ZERO);
    }
    return poll.latest;
  }

  @Override
  public void forget(SinkFleet fleet) {
    var poll = polls.remove(ResourceID.fromResource(fleet));
    if (poll != null) {
      poll.cancel();
    }
  }

  @Override
  public void onResourceDeleted(SinkFleet fleet) {
    forget(fleet);
  }

  @Override
  public Optional<EventSource<?, SinkFleet>> eventSource() {
    return Optional.of(this);
  }

  @Override
  public Set<HubObservation> getSecondaryResources(SinkFleet primary) {
    var poll = polls.get(ResourceID.fromResource(primary));
    return poll == null ? Set.of() : Set.of(poll.latest);
  }

  private void schedule(Poll poll, Duration delay) {
    var t = timer;
    if (t == null || !isRunning()) {
      return; // start() schedules every poll registered before it
    }
    synchronized (poll) {
      if (poll.cancelled) {
        return;
      }
      try {
        poll.next = t.schedule(() -> startRead(poll), delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        // stop() is under way
      }
    }
  }

  private void startRead(Poll poll) {
    try {
      readers.execute(() -> read(poll));
    } catch (RejectedExecutionException stopping) {
      // stop() is under way
    }
  }

  private void read(Poll poll) {
    if (poll.cancelled()) {
      return;
    }
    var attempt = new Attempt(Thread.currentThread());
    var started = clock.instant();
    ScheduledFuture<?> watchdog;
    try {
      watchdog =
          timer.schedule(
              () -> {
                if (attempt.expire()) {
                  var late =
                      new HubReadException(
                          "the Hub at "
                              + poll.target
                              + " did not answer within "
                              + deadline.toSeconds()
                              + " s",
                          false,
                          null);
                  record(poll, HubObservation.failure(poll.target, late, started));
                }
              },
              deadline.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      return;
    }
    HubObservation observation;
    try {
      observation =
          HubObservation.reading(
              poll.target, hub.read(poll.fleet, poll.credentials), clock.instant());
    } catch (HubReadException e) {
      observation = HubObservation.failure(poll.target, e, started);
    } catch (RuntimeException e) {
      var unexpected =
          new HubReadException("reading the Hub at " + poll.target + " failed: " + e, false, e);
      observation = HubObservation.failure(poll.target, unexpected, started);
    }
    watchdog.cancel(false);
    if (attempt.finish()) {
      record(poll, observation);
    }
    // A deadline that fired while the read returned may have interrupted this thread: the read is
    // over either way, and the next task on this thread must not inherit the interrupt.
    Thread.interrupted();
    schedule(poll, poll.interval);
  }

  private void record(Poll poll, HubObservation observation) {
    if (poll.cancelled() || polls.get(poll.id) != poll) {
      return; // the fleet was forgotten or re-targeted while this poll ran
    }
    var previous = poll.latest;
    poll.latest = observation;
    boolean news =
        !observation.sameAs(previous) || previous.staleAt(observation.at(), poll.interval);
    if (news) {
      if (observation.failure().isPresent() && log.isDebugEnabled()) {
        log.debug("Hub of SinkFleet {}: {}", poll.id, observation.failure().get().getMessage());
      }
      if (isRunning()) {
        getEventHandler().handleEvent(new Event(poll.id));
      }
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    var count = new AtomicInteger();
    return runnable -> {
      var thread =
          new Thread(runnable, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
      thread.setDaemon(true);
      return thread;
    };
  }
}
