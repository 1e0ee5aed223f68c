package io.nexomatic.hub.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that can only run with a tool from outside the JVM (python3, go, pwsh, a container runtime)
 * find it here, and skip with the reason printed on stderr when it is missing, so that a skip is
 * visible in the build log and never mistaken for a pass.
 */
public final class RequiredTool {

  private RequiredTool() {}

  /** {@code name} found on the PATH, if any. */
  public static Optional<Path> find(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** {@code name} on the PATH; skips the calling test, saying {@code why} it is needed, if not. */
  public static Path require(String name, String why) {
    return find(name)
        .orElseGet(
            () -> {
              skip(name + " is not on the PATH, and " + why);
              throw new AssertionError("unreachable");
            });
  }

  /** Skips the calling test (or class, from a {@code @BeforeAll}) and prints why. */
  public static void skip(String reason) {
    System.err.println("[SKIPPED] " + reason);
    Assumptions.abort(reason);
  }
}
