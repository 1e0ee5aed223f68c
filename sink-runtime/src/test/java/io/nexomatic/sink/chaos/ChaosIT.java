package io.nexomatic.sink.chaos;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.grpc.StatusException;
import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.H2TaskJournal;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.protocol.v1.AttemptRecord;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.testing.PythonEnv;
import io.nexomatic.sink.testing.SecretScanningAppender;
import io.nexomatic.sink.testing.SinkProcess;
import io.nexomatic.sink.testing.TcpProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of short Python tasks through four sink processes (separate JVMs) and a Hub that
 * journals to disk, while a seeded random schedule SIGKILLs and SIGTERMs sinks, restarts the Hub on
 * its data directory, and cuts or stalls every connection through a TCP proxy. Then: every task has
 * exactly one terminal record, none is lost, none is recorded twice, and every second execution is
 * explained by the attempt before it having lost its lease.
 *
 * <p>Sizes: {@code -Dnexomatic.chaos.tasks} (default 10,000), {@code -Dnexomatic.chaos.seconds}
 * (default 120 of chaos), {@code -Dnexomatic.chaos.seed}. A soak is the same test with bigger
 * numbers (docs/reliability.md).
 */
class ChaosIT {

  private static final int TASKS = Integer.getInteger("nexomatic.chaos.tasks", 10_000);
  private static final int CHAOS_SECONDS = Integer.getInteger("nexomatic.chaos.seconds", 120);
  private static final long SEED = Long.getLong("nexomatic.chaos.seed", 20261129L);
  private static final int SINKS = 4;

  /**
   * How long the calm after the chaos may take to finish every task: at least 4 minutes, and 20
   * tasks a second, a third of what 4 sinks of concurrency 4 reach on two shared cores, for the
   * tasks the chaos left (all of them, at worst).
   */
  private static final Duration CALM_LIMIT = Duration.ofSeconds(Math.max(240, TASKS / 20));

  /** The whole test's bound: chaos, calm, and two minutes to start and check. */
  private static final Duration TIME_LIMIT =
      Duration.ofSeconds(CHAOS_SECONDS).plus(CALM_LIMIT).plusMinutes(2);

  @TempDir Path tmp;

  private HubServer hub;
  private int sinkGeneration;

  private HubServer startHub(Path data) throws IOException {
    HubConfig config =
        HubConfig.builder()
            .heartbeatInterval(Duration.ofMillis(500))
            .leaseTtl(Duration.ofSeconds(4))
            .offerTimeout(Duration.ofSeconds(3))
            .tickInterval(Duration.ofMillis(100))
            .build();
    return new HubServer(
            HubServer.nettyBuilder("127.0.0.1", 0),
            config,
            TestCredentials.credentials(),
            new H2TaskJournal(data))
        .start();
  }

  private SinkProcess sink(PythonEnv env, TcpProxy proxy) throws IOException {
    return SinkProcess.start(
        "sink-" + (sinkGeneration++),
        proxy.port(),
        BASE_SECRET,
        env,
        Map.of("CONCURRENCY", "4", "DRAIN_TIMEOUT", "20"));
  }

  @Test
  void underKillsRestartsCutsAndStallsEveryTaskEndsOnceAndNoneIsLost() {
    assertTimeoutPreemptively(TIME_LIMIT, this::runChaos, "chaos, calm and checks took too long");
  }

  private void runChaos() throws Exception {
    var env = new PythonEnv(tmp);
    Path ledger = tmp.resolve("executions.txt");
    Files.writeString(ledger, "");
    env.module(
        "chaos",
        """
        import os, random, time

        def run(payload, params):
            # One line per execution; O_APPEND writes of one short line do not interleave.
            fd = os.open(payload['ledger'], os.O_WRONLY | os.O_APPEND)
            os.write(fd, (payload['tag'] + '\\n').encode())
            os.close(fd)
            time.sleep(random.uniform(0.02, 0.2))
            return 'done ' + payload['tag']
        """);
    // Every log event of this JVM (the Hub's included), at DEBUG, searched for secrets as it comes.
    var nexomatic =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.nexomatic");
    var levelBefore = nexomatic.getLevel();
    nexomatic.setLevel(ch.qos.logback.classic.Level.DEBUG);
    nexomatic.setAdditive(false);
    var scanned = new SecretScanningAppender(List.of(BASE_SECRET, TestCredentials.ADMIN_TOKEN));
    scanned.start();
    nexomatic.addAppender(scanned);
    Path data = tmp.resolve("hub-data");
    hub = startHub(data);
    long started = System.nanoTime();
    var random = new Random(SEED);
    var counts = new TreeMap<String, Integer>();
    List<SinkProcess> all = new ArrayList<>();
    List<SinkProcess> live = new ArrayList<>();
    try (var proxy = new TcpProxy(hub.port())) {
      for (int i = 0; i < SINKS; i++) {
        SinkProcess s = sink(env, proxy);
        all.add(s);
        live.add(s);
      }
      var ids = new ArrayList<String>();
      for (int i = 0; i < TASKS; i++) {
        String payload = "{\"ledger\": \"" + ledger + "\", \"tag\": \"t" + i + "\"}";
        ids.add(
            hub.core()
                .submit(
                    SubmitTaskRequest.newBuilder()
                        .setSinkType(BASE)
                        .setModule("samples.chaos")
                        .setPayloadJson(payload)
                        .setMaxAttempts(50)
                        .build())
                .getTaskId());
      }

      long chaosEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHAOS_SECONDS);
      while (System.nanoTime() < chaosEnd && !allTerminal(ids)) {
        // The schedule is seeded; its pace is wall-clock time, which is what faults are.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(700 + random.nextInt(900)));
        for (SinkProcess s : List.copyOf(live)) {
          if (!s.isAlive()) {
            live.remove(s);
            SinkProcess replacement = sink(env, proxy);
            all.add(replacement);
            live.add(replacement);
          }
        }
        int action = random.nextInt(100);
        if (action < 30) {
          SinkProcess victim = live.get(random.nextInt(live.size()));
          victim.sigkill();
          counts.merge("sigkills", 1, Integer::sum);
        } else if (action < 50) {
          SinkProcess victim = live.get(random.nextInt(live.size()));
          victim.sigterm();
          counts.merge("sigterms", 1, Integer::sum);
        } else if (action < 62) {
          hub.close();
          hub = startHub(data);
          proxy.retarget(hub.port());
          counts.merge("hub restarts", 1, Integer::sum);
        } else if (action < 82) {
          proxy.cut();
          counts.merge("connection cuts", 1, Integer::sum);
        } else {
          proxy.delay(Duration.ofMillis(500 + random.nextInt(2500)));
          counts.merge("stalls", 1, Integer::sum);
        }
      }

      // Calm: replace what died and let every task finish.
      for (SinkProcess s : List.copyOf(live)) {
        if (!s.isAlive()) {
          live.remove(s);
        }
      }
      while (live.size() < SINKS) {
        SinkProcess s = sink(env, proxy);
        all.add(s);
        live.add(s);
      }
      await().atMost(CALM_LIMIT).pollInterval(Duration.ofMillis(500)).until(() -> allTerminal(ids));

      Map<String, Integer> executions = new HashMap<>();
      for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          executions.merge(line.strip(), 1, Integer::sum);
        }
      }
      int lost = 0;
      int recordedTwice = 0;
      int secondExecutions = 0;
      int unexplained = 0;
      int failed = 0;
      var explanations = new TreeMap<String, Integer>();
      for (int i = 0; i < ids.size(); i++) {
        Task t = hub.core().get(ids.get(i));
        if (!terminal(t)) {
          lost++;
          continue;
        }
        if (t.getState() != TaskState.SUCCESS) {
          failed++;
        }
        long results =
            t.getHistoryList().stream()
                .filter(h -> List.of("SUCCESS", "WARNING", "ERROR").contains(h.getOutcome()))
                .count();
        if (results != 1) {
          recordedTwice++;
        }
        int runs = executions.getOrDefault("t" + i, 0);
        if (runs > 1) {
          secondExecutions += runs - 1;
          // Every execution but the one recorded belongs to an earlier attempt whose lease
          // expired: its sink was killed, cut off or stalled past the TTL. The Hub may not have
          // heard "started" before that happened, so any earlier expired attempt counts.
          List<AttemptRecord> expired =
              t.getHistoryList().subList(0, t.getHistoryCount() - 1).stream()
                  .filter(h -> h.getOutcome().startsWith("lease expired"))
                  .toList();
          expired.forEach(
              h -> explanations.merge(h.getOutcome().replaceAll(" \\(.*", ""), 1, Integer::sum));
          if (expired.size() < runs - 1) {
            unexplained++;
          }
        }
      }
      long neverRan = ids.size() - executions.size();
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      System.out.printf(
          "chaos: %d tasks in %d s (%d s of chaos), %d sink processes, seed %d, %s; lost %d,"
              + " recorded twice %d, failed %d, never executed %d; second executions %d,"
              + " unexplained %d; explanations %s%n",
          ids.size(),
          seconds,
          CHAOS_SECONDS,
          all.size(),
          SEED,
          counts,
          lost,
          recordedTwice,
          failed,
          neverRan,
          secondExecutions,
          unexplained,
          explanations);

      assertThat(lost).as("tasks without a terminal record").isZero();
      assertThat(recordedTwice).as("tasks with more or fewer than one recorded result").isZero();
      assertThat(failed).as("tasks that ended other than SUCCESS").isZero();
      assertThat(unexplained).as("second executions not explained by a lease expiry").isZero();
      assertThat(counts.getOrDefault("sigkills", 0) + counts.getOrDefault("hub restarts", 0))
          .as("the schedule injected faults")
          .isPositive();
    } finally {
      for (SinkProcess s : all) {
        s.close();
        assertThat(s.output()).as("a sink's log").doesNotContain(BASE_SECRET);
      }
      hub.close();
      nexomatic.detachAppender(scanned);
      nexomatic.setAdditive(true);
      nexomatic.setLevel(levelBefore);
    }
    assertThat(scanned.events()).as("log events of this JVM (the Hub's) scanned").isPositive();
    assertThat(scanned.leaks())
        .as("log events, DEBUG included, that contain the client secret or the admin token")
        .isEmpty();
  }

  private boolean allTerminal(List<String> ids) throws StatusException {
    for (String id : ids) {
      if (!terminal(hub.core().get(id))) {
        return false;
      }
    }
    return true;
  }

  private static boolean terminal(Task t) {
    return t.getState() == TaskState.SUCCESS
        || t.getState() == TaskState.WARNING
        || t.getState() == TaskState.ERROR;
  }
}
