package io.nexomatic.sink.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexomatic.sink.config.InterpreterResolver;
import io.nexomatic.sink.log.LogSink;
import io.nexomatic.sink.log.TaskLogPipeline;
import io.nexomatic.sink.log.Utf8Chunker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one subprocess engine behind every interpreter: starts a task as {@code setsid [prlimit]
 * <command line>} in a fresh working directory with an allowlisted environment, feeds the payload
 * and parameters as one JSON document on stdin, forwards stdout+stderr through the log pipeline,
 * enforces the timeout and reads the result from the side-channel file.
 */
public final class SubprocessTaskRunner implements TaskExecutor {
  private static final Logger log = LoggerFactory.getLogger(SubprocessTaskRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How often buffered output is forwarded; half the protocol's 500 ms bound. */
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(250);

  private final String name;
  private final List<String> commandLine;
  private final ExecutionSettings settings;
  private final TaskEnvironment environment;
  private final Optional<Path> setsid;
  private final Optional<Path> prlimit;
  private final ProcessTreeKiller killer;
  private final ExecutorService ioPool;
  private final ScheduledExecutorService scheduler;
  private final Set<SubprocessRunningTask> running = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sequence = new AtomicInteger();

  /**
   * An engine running {@code commandLine} (interpreter, its options and the bootstrap script).
   *
   * @param name the executor's name, for logs and thread names
   * @param sinkEnv the sink's environment; its PATH locates setsid, prlimit and kill
   */
  public SubprocessTaskRunner(
      String name,
      List<String> commandLine,
      ExecutionSettings settings,
      TaskEnvironment environment,
      Map<String, String> sinkEnv) {
    this.name = name;
    this.commandLine = List.copyOf(commandLine);
    this.settings = settings;
    this.environment = environment;
    String path = sinkEnv.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    this.setsid = findTool("setsid", path);
    this.prlimit = settings.maxTaskProcesses() > 0 ? findTool("prlimit", path) : Optional.empty();
    if (setsid.isEmpty()) {
      log.warn(
          "setsid (util-linux) not found on PATH: tasks run in the sink's process group, so"
              + " timeout and cancel reach only the processes visible as the task's descendants;"
              + " install util-linux");
    }
    if (settings.maxTaskProcesses() > 0 && prlimit.isEmpty()) {
      log.warn("prlimit (util-linux) not found on PATH: MAX_TASK_PROCESSES is not enforced");
    }
    this.ioPool = Executors.newCachedThreadPool(daemonThreads(name + "-io"));
    this.scheduler = Executors.newScheduledThreadPool(1, daemonThreads(name + "-timer"));
    this.killer = new ProcessTreeKiller(findTool("kill", path + ":/bin:/usr/bin"), scheduler);
    try {
      Files.createDirectories(settings.workDir());
    } catch (IOException e) {
      throw new IllegalStateException("WORK_DIR " + settings.workDir() + " cannot be created", e);
    }
  }

  @Override
  public RunningTask start(TaskSpec spec, LogSink logSink) {
    TaskLogPipeline pipeline =
        new TaskLogPipeline(
            spec.taskId(),
            spec.attempt(),
            spec.secretValues(),
            settings.maxLogBytes(),
            Utf8Chunker.MAX_CHUNK_BYTES,
            logSink);
    Instant startedAt = Instant.now();
    byte[] input;
    try {
      input = stdinDocument(spec);
    } catch (IllegalArgumentException e) {
      return FailedTask.of(spec, startedAt, pipeline, e.getMessage());
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory(settings.workDir(), dirPrefix(spec));
      Path resultFile = dir.resolve(".nexomatic-result.json");
      ProcessBuilder pb = new ProcessBuilder(command()).directory(dir.toFile());
      pb.redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().putAll(environment.forTask(spec, dir, resultFile));
      Process process = pb.start();
      Duration timeout = spec.timeout().isZero() ? settings.defaultTimeout() : spec.timeout();
      SubprocessRunningTask task =
          new SubprocessRunningTask(
              spec,
              process,
              startedAt,
              timeout,
              settings.killGrace(),
              dir,
              resultFile,
              pipeline,
              killer,
              ioPool,
              scheduler,
              running::remove);
      running.add(task);
      task.begin(input, FLUSH_INTERVAL);
      log.debug(
          "task {} attempt {} started as pid {}", spec.taskId(), spec.attempt(), process.pid());
      return task;
    } catch (IOException | RuntimeException e) {
      log.warn(
          "task {} attempt {} could not start: {}", spec.taskId(), spec.attempt(), e.toString());
      WorkDirs.deleteQuietly(dir);
      return FailedTask.of(
          spec, startedAt, pipeline, "could not start the task: " + e.getMessage());
    }
  }

  /** The full command: setsid, prlimit when enabled, then the interpreter's command line. */
  List<String> command() {
    List<String> cmd = new ArrayList<>();
    setsid.ifPresent(p -> cmd.add(p.toString()));
    prlimit.ifPresent(
        p -> {
          cmd.add(p.toString());
          cmd.add("--nproc=" + settings.maxTaskProcesses());
          cmd.add("--");
        });
    cmd.addAll(commandLine);
    return cmd;
  }

  /** The single JSON document a bootstrap reads from stdin; arguments and env carry no data. */
  static byte[] stdinDocument(TaskSpec spec) {
    JsonNode payload;
    try {
      payload =
          spec.payloadJson().isBlank()
              ? JSON.createObjectNode()
              : JSON.readTree(spec.payloadJson());
    } catch (JsonProcessingException e) {
      // The parser's message may quote the payload, which may hold anything: name only the place.
      throw new IllegalArgumentException(
          "payload is not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
    }
    if (payload == null || !payload.isObject()) {
      throw new IllegalArgumentException("payload must be a JSON object");
    }
    ObjectNode doc = JSON.createObjectNode();
    doc.put("task_id", spec.taskId());
    doc.put("attempt", spec.attempt());
    doc.put("module", spec.module());
    doc.set("payload", payload);
    ObjectNode params = doc.putObject("params");
    for (ResolvedParameter p : spec.parameters()) {
      params.put(p.name(), p.value());
    }
    try {
      return JSON.writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode the task input: " + e.getOriginalMessage());
    }
  }

  private String dirPrefix(TaskSpec spec) {
    String safe = spec.taskId().replaceAll("[^A-Za-z0-9_.-]", "_");
    if (safe.length() > 64) {
      safe = safe.substring(0, 64);
    }
    return safe + "-" + spec.attempt() + "-" + sequence.incrementAndGet() + "-";
  }

  /** Tasks started and not yet ended. */
  public int runningCount() {
    return running.size();
  }

  @Override
  public void close() {
    List<SubprocessRunningTask> left = List.copyOf(running);
    left.forEach(SubprocessRunningTask::forceKill);
    // Outcomes are completed on the io pool: let them finish before it goes away.
    try {
      CompletableFuture.allOf(
              left.stream().map(SubprocessRunningTask::outcome).toArray(CompletableFuture[]::new))
          .get(settings.killGrace().plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{} executor closed with {} task outcomes still pending", name, running.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ioPool.shutdown();
    scheduler.shutdown();
    log.debug("{} executor closed", name);
  }

  private static Optional<Path> findTool(String tool, String path) {
    try {
      return Optional.of(InterpreterResolver.locate(tool, path));
    } catch (InterpreterResolver.ResolutionException e) {
      return Optional.empty();
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** A task that ended before its process could start. */
  private static final class FailedTask {
    static RunningTask of(TaskSpec spec, Instant startedAt, TaskLogPipeline pipeline, String why) {
      byte[] line = ("[nexomatic: " + why + "]\n").getBytes(StandardCharsets.UTF_8);
      pipeline.write(line, 0, line.length);
      var outcome =
          TaskOutcome.sinkError(1, why, startedAt, Instant.now(), pipeline.finish(), false);
      return RunningTask.ended(spec, outcome, pipeline.peakRetainedBytes());
    }
  }
}
