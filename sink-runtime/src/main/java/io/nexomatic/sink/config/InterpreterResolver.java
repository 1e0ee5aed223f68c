package io.nexomatic.sink.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Resolves an interpreter setting (PYTHON_INTERPRETER, PWSH_INTERPRETER) once, at start, to the
 * real executable, so no task spawn pays for a PATH search or a version-manager shim.
 */
public class InterpreterResolver {
  /** How long the shim may take to name its interpreter; it normally answers in well under 1 s. */
  private static final long SHIM_QUERY_SECONDS = 30;

  /** Why an interpreter cannot be used; the message is shown to the operator as is. */
  public static final class ResolutionException extends Exception {
    /** Creates the exception with a reason that names no secret. */
    public ResolutionException(String message) {
      super(message);
    }
  }

  /**
   * Resolves {@code command}: a path (containing '/') is used as given, a bare name is searched on
   * the PATH of {@code env}. A pyenv-style shim (a path containing "/shims/") is asked once for
   * {@code sys.executable}, since every spawn through it costs ~170 ms more than the interpreter.
   */
  public Path resolve(String command, Map<String, String> env) throws ResolutionException {
    Path found = locate(command, env.getOrDefault("PATH", ""));
    if (found.toString().contains("/shims/")) {
      return askShim(found, env);
    }
    try {
      // Symlinks (e.g. /usr/bin/pwsh -> /opt/microsoft/powershell/7/pwsh) resolved once here.
      return found.toRealPath();
    } catch (IOException e) {
      throw new ResolutionException(found + " cannot be resolved: " + e.getMessage());
    }
  }

  /** Finds {@code command} as a path or on {@code pathVariable}. */
  public static Path locate(String command, String pathVariable) throws ResolutionException {
    if (command.isBlank()) {
      throw new ResolutionException("the interpreter name is empty");
    }
    if (command.contains("/")) {
      Path p = Path.of(command);
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new ResolutionException(command + " is not an executable file");
      }
      return p.toAbsolutePath();
    }
    for (String dir : pathVariable.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new ResolutionException(command + " was not found on PATH (" + pathVariable + ")");
  }

  private static Path askShim(Path shim, Map<String, String> env) throws ResolutionException {
    ProcessBuilder pb =
        new ProcessBuilder(List.of(shim.toString(), "-c", "import sys; print(sys.executable)"));
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      if (!p.waitFor(SHIM_QUERY_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ResolutionException(shim + " did not answer within " + SHIM_QUERY_SECONDS + " s");
      }
      if (p.exitValue() != 0 || out.isEmpty()) {
        throw new ResolutionException(
            shim + " failed to report sys.executable (exit " + p.exitValue() + "): " + out);
      }
      Path real = Path.of(out.lines().reduce((a, b) -> b).orElse(out));
      if (!Files.isExecutable(real)) {
        throw new ResolutionException(shim + " reported " + real + ", which is not executable");
      }
      return real;
    } catch (IOException e) {
      throw new ResolutionException(shim + " could not be run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ResolutionException("interrupted while asking " + shim + " for its interpreter");
    }
  }
}
