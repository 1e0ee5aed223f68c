package io.nexomatic.sink.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The bootstrap scripts shipped in the jar, extracted once per executor into a private directory
 * (not per task: a task start should cost one process spawn and nothing more).
 */
public final class BootstrapScripts implements AutoCloseable {
  /** The Python bootstrap's resource name. */
  public static final String PYTHON = "nexomatic_bootstrap.py";

  /** The PowerShell bootstrap's resource name. */
  public static final String POWERSHELL = "nexomatic_bootstrap.ps1";

  private final Path dir;

  private BootstrapScripts(Path dir) {
    this.dir = dir;
  }

  /** Extracts every bootstrap into a fresh directory readable only by the sink's user. */
  public static BootstrapScripts extract() {
    try {
      Path dir =
          Files.createTempDirectory(
              "nexomatic-bootstrap-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      for (String name : new String[] {PYTHON, POWERSHELL}) {
        try (InputStream in =
            BootstrapScripts.class.getResourceAsStream("/io/nexomatic/sink/bootstrap/" + name)) {
          if (in == null) {
            throw new IllegalStateException("bootstrap " + name + " missing from the jar");
          }
          Files.copy(in, dir.resolve(name));
        }
      }
      return new BootstrapScripts(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the task bootstraps", e);
    }
  }

  /** The extracted script {@code name}. */
  public Path path(String name) {
    return dir.resolve(name);
  }

  @Override
  public void close() {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: the directory lives under java.io.tmpdir.
    }
  }
}
