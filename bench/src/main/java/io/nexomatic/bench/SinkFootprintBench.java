package io.nexomatic.bench;

import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;

import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.testing.TestCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A sink's footprint as a pod sees it: the time from process start to Ready (session established,
 * readiness file written) and the resident memory once idle, for the image's JVM flags and for
 * tuned ones, measured side by side against the same Hub, next to the 100 MB goal.
 */
final class SinkFootprintBench {

  private static final Path JAR = Path.of("sink-runtime/target/nexomatic-sink.jar");

  /** The pod memory limit the flags are sized against (the example fleets' 384Mi request). */
  private static final String POD_MEMORY = "-XX:MaxRAM=384m";

  private SinkFootprintBench() {}

  static void main(List<String> args) throws Exception {
    int samples =
        args.contains("--samples") ? Integer.parseInt(args.get(args.indexOf("--samples") + 1)) : 3;
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(
          JAR + " is missing: ./mvnw -q -pl bench -am package -DskipTests");
    }
    Path dir = Files.createTempDirectory("nexomatic-footprint-");
    Path cds = dir.resolve("sink.jsa");
    var variants = new LinkedHashMap<String, List<String>>();
    variants.put(
        "image flags",
        List.of(POD_MEMORY, "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError"));
    List<String> tuned =
        List.of(
            POD_MEMORY,
            "-XX:MaxRAMPercentage=60",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:ReservedCodeCacheSize=32m",
            "-Xss512k",
            "-XX:+ExitOnOutOfMemoryError");
    variants.put("tuned", tuned);
    var withCds = new ArrayList<>(tuned);
    withCds.add("-XX:SharedArchiveFile=" + cds);
    variants.put("tuned + AppCDS", withCds);

    var config =
        HubConfig.builder()
            .heartbeatInterval(Duration.ofSeconds(5))
            .leaseTtl(Duration.ofSeconds(30))
            .build();
    try (var hub =
        new HubServer(
                HubServer.nettyBuilder("127.0.0.1", 0),
                config,
                TestCredentials.credentials(),
                TaskJournal.inMemory())
            .start()) {
      // The AppCDS archive is written by one training run that exits once Ready.
      var training = new ArrayList<>(tuned);
      training.add("-XX:ArchiveClassesAtExit=" + cds);
      run(hub.port(), training, dir.resolve("training"), true);

      System.out.printf(
          Locale.ROOT,
          "sink footprint: %d samples per variant, idle RSS read after 5 s of an established"
              + " session; %d cores%n%n",
          samples,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(
          Locale.ROOT,
          "%-16s %14s %12s %14s%n",
          "variant",
          "to Ready ms",
          "idle RSS MB",
          "RSS / 100 MB");
      for (Map.Entry<String, List<String>> v : variants.entrySet()) {
        long[] ready = new long[samples];
        long[] rss = new long[samples];
        for (int i = 0; i < samples; i++) {
          long[] r =
              run(hub.port(), v.getValue(), dir.resolve(v.getKey().replace(' ', '-') + i), false);
          ready[i] = r[0];
          rss[i] = r[1];
        }
        java.util.Arrays.sort(ready);
        java.util.Arrays.sort(rss);
        long medianRss = rss[samples / 2];
        System.out.printf(
            Locale.ROOT,
            "%-16s %14d %12.1f %14.2f%n",
            v.getKey(),
            ready[samples / 2],
            medianRss / 1024.0,
            medianRss / 1024.0 / 100.0);
      }
      System.out.println("\n(medians; the pod memory limit is simulated with " + POD_MEMORY + ")");
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** Starts a sink; returns {ms to Ready, idle RSS in KiB}. */
  private static long[] run(int hubPort, List<String> flags, Path dir, boolean training)
      throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("modules"));
    Path ready = dir.resolve("ready");
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags);
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    var pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sink.log").toFile());
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().put("HUB_HOST", "127.0.0.1");
    pb.environment().put("HUB_PORT", Integer.toString(hubPort));
    pb.environment().put("CLIENT_ID", "LOCAL:BASE");
    pb.environment().put("CLIENT_SECRET", BASE_SECRET);
    pb.environment().put("MODULES_PATH", dir.resolve("modules").toString());
    pb.environment().put("WORK_DIR", dir.resolve("work").toString());
    pb.environment().put("READINESS_FILE", ready.toString());
    pb.environment().put("LIVENESS_FILE", dir.resolve("alive").toString());
    long start = System.nanoTime();
    Process p = pb.start();
    try {
      while (!Files.exists(ready)) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "the sink exited: " + Files.readString(dir.resolve("sink.log")));
        }
        TimeUnit.MILLISECONDS.sleep(5);
      }
      long readyMs = (System.nanoTime() - start) / 1_000_000;
      if (training) {
        return new long[] {readyMs, 0};
      }
      TimeUnit.SECONDS.sleep(5);
      return new long[] {readyMs, rssKib(p.pid())};
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }
}
