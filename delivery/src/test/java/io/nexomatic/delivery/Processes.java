package io.nexomatic.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command from the repository root, bounded in time, and keeps its output apart. */
final class Processes {

  /** A finished command: its exit code (-1 when it timed out) and its two outputs. */
  record Result(int exit, String out, String err) {}

  private Processes() {}

  /**
   * @param stdin written to the command's standard input, or null for none
   * @param env variables added to the test's own environment
   */
  static Result run(Duration timeout, String stdin, List<String> command, Map<String, String> env) {
    return run(timeout, stdin, command, env, Repo.ROOT);
  }

  /** As {@link #run(Duration, String, List, Map)}, in {@code workDir}. */
  static Result run(
      Duration timeout, String stdin, List<String> command, Map<String, String> env, Path workDir) {
    try {
      Path out = Files.createTempFile("process-out-", ".txt");
      Path err = Files.createTempFile("process-err-", ".txt");
      try {
        var pb =
            new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
          if (stdin != null) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
          }
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          return new Result(
              -1,
              Files.readString(out),
              Files.readString(err) + "\n(timed out after " + timeout.toSeconds() + " s)");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
