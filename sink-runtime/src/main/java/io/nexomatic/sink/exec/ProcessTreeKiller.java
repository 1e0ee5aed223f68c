package io.nexomatic.sink.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a task's whole process tree: the process group its leader created with setsid
 * (grandchildren such as {@code subprocess.Popen(['sleep','300'])} or {@code sh -c 'sleep 300 &'}
 * included), plus every descendant seen, for those that moved to a group of their own. Signalling
 * only the leader leaves grandchildren running (gitlab-runner #3376, actions/runner #4601).
 */
public final class ProcessTreeKiller {
  private static final Logger log = LoggerFactory.getLogger(ProcessTreeKiller.class);
  private static final long POLL_MILLIS = 50;

  private final Optional<Path> killCommand;
  private final ScheduledExecutorService scheduler;

  /**
   * A killer signalling groups with {@code killCommand} (the {@code kill} utility; Java cannot
   * signal a process group itself) and timing grace periods on {@code scheduler}.
   */
  public ProcessTreeKiller(Optional<Path> killCommand, ScheduledExecutorService scheduler) {
    this.killCommand = killCommand;
    this.scheduler = scheduler;
    if (killCommand.isEmpty()) {
      log.warn(
          "no 'kill' command found on PATH: tasks are stopped per process only, so a grandchild"
              + " that left the task's process tree before the stop survives");
    }
  }

  /**
   * TERM to the group and every known descendant; after {@code grace}, KILL to the group and to
   * every descendant still alive. Completes when the group leader and all descendants seen are
   * gone.
   */
  public CompletableFuture<Void> terminate(ProcessHandle leader, Duration grace) {
    Set<ProcessHandle> known = snapshot(leader, new LinkedHashSet<>());
    signalGroup(leader.pid(), "TERM");
    known.forEach(ProcessHandle::destroy);
    CompletableFuture<Void> done = new CompletableFuture<>();
    long deadline = System.nanoTime() + grace.toNanos();
    poll(leader, known, deadline, done);
    return done;
  }

  /** KILL to the group and every descendant at once. */
  public void kill(ProcessHandle leader) {
    Set<ProcessHandle> known = snapshot(leader, new LinkedHashSet<>());
    signalGroup(leader.pid(), "KILL");
    known.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * KILL to what remains of a group whose leader has exited: anything still in it is a straggler
   * that would otherwise outlive the task and hold its output pipe open.
   */
  public void killRemainingGroup(long pgid) {
    // Most tasks leave nothing behind: skip spawning `kill` then, it would double the spawns.
    if (ProcessStatus.groupMayHaveMembers(pgid)) {
      signalGroup(pgid, "KILL");
    }
  }

  private void poll(
      ProcessHandle leader, Set<ProcessHandle> known, long deadline, CompletableFuture<Void> done) {
    // Descendants are only visible while their parent lives: keep collecting them.
    snapshot(leader, known);
    boolean anyAlive = known.stream().anyMatch(ProcessStatus::isRunning);
    if (!anyAlive) {
      done.complete(null);
      return;
    }
    if (System.nanoTime() - deadline >= 0) {
      signalGroup(leader.pid(), "KILL");
      known.forEach(ProcessHandle::destroyForcibly);
      done.complete(null);
      return;
    }
    scheduler.schedule(
        () -> poll(leader, known, deadline, done), POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static Set<ProcessHandle> snapshot(ProcessHandle leader, Set<ProcessHandle> into) {
    into.add(leader);
    if (leader.isAlive()) {
      leader.descendants().forEach(into::add);
    }
    return into;
  }

  /**
   * Sends {@code signal} to process group {@code pgid}. The group leader was started by setsid, so
   * its pgid equals its pid, which can never be the sink's own group.
   */
  private void signalGroup(long pgid, String signal) {
    if (killCommand.isEmpty() || pgid <= 1 || pgid == ProcessHandle.current().pid()) {
      return;
    }
    try {
      Process p =
          new ProcessBuilder(List.of(killCommand.get().toString(), "-" + signal, "--", "-" + pgid))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      // A missing group (already gone) makes kill exit 1; that is success for us.
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        log.warn("kill -{} -- -{} did not finish within 5 s", signal, pgid);
      }
    } catch (IOException e) {
      log.warn("could not signal process group {} with {}: {}", pgid, signal, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
