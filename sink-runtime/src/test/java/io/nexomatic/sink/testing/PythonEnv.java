package io.nexomatic.sink.testing;

import io.nexomatic.hub.testing.RequiredTool;
import io.nexomatic.sink.config.InterpreterResolver;
import io.nexomatic.sink.exec.ExecutionSettings;
import io.nexomatic.sink.exec.PythonTaskExecutor;
import io.nexomatic.sink.exec.TaskEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A temp MODULES_PATH with test-written modules, and Python executors over it. */
public final class PythonEnv {
  private static Path python;
  public final Path root;
  public final Path modules;
  public final Path work;

  public PythonEnv(Path root) {
    this.root = root;
    this.modules = root.resolve("modules");
    this.work = root.resolve("work");
    try {
      Files.createDirectories(modules.resolve("samples"));
      Files.writeString(modules.resolve("samples/__init__.py"), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The real python3 (pyenv shims resolved once). */
  public static synchronized Path python() {
    if (python == null) {
      RequiredTool.require("python3", "this test runs real Python tasks (apt-get install python3)");
      try {
        python = new InterpreterResolver().resolve("python3", System.getenv());
      } catch (InterpreterResolver.ResolutionException e) {
        throw new IllegalStateException("python3 is required for the ITs: " + e.getMessage());
      }
    }
    return python;
  }

  /** Writes {@code samples/<name>.py}. */
  public PythonEnv module(String name, String source) {
    try {
      Files.writeString(
          modules.resolve("samples").resolve(name + ".py"), source, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public ExecutionSettings settings(Duration timeout, long maxLogBytes) {
    return new ExecutionSettings(
        python(), work, modules, timeout, Duration.ofSeconds(2), maxLogBytes, 256);
  }

  /** A sink environment like a pod's: credentials present, which tasks must never see. */
  public static Map<String, String> sinkEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("LANG", "C.UTF-8");
    env.put("HUB_HOST", "hub.example.com");
    env.put("CLIENT_ID", "LOCAL:BASE");
    env.put("CLIENT_SECRET", "client-secret-value");
    env.put("TENANT_SECRET", "tenant-secret-value");
    env.put("AZURE_CLIENT_ID", "azure-client");
    env.put("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token");
    env.put("HUB_TOKEN_SCOPE", "api://nexomatic-hub/.default");
    env.put("ACTIONS_RUNTIME_TOKEN", "token-value");
    return env;
  }

  public PythonTaskExecutor executor(Duration timeout, long maxLogBytes) {
    return executor(timeout, maxLogBytes, sinkEnv(), List.of(), Map.of());
  }

  public PythonTaskExecutor executor(
      Duration timeout,
      long maxLogBytes,
      Map<String, String> sinkEnv,
      List<String> passthrough,
      Map<String, String> extra) {
    return new PythonTaskExecutor(
        settings(timeout, maxLogBytes),
        new TaskEnvironment(sinkEnv, passthrough, extra, modules),
        sinkEnv);
  }
}
