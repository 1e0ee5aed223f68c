package io.nexomatic.sink.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A file whose freshness is the probe signal (readiness or liveness) for exec probes without HTTP.
 * Touching replaces it atomically, so a probe never sees a half-written file.
 */
public final class ReadinessFile {
  private final Path file;
  private final Clock clock;

  /** A probe file at {@code file}. */
  public ReadinessFile(Path file) {
    this(file, Clock.systemUTC());
  }

  /** A probe file at {@code file}, timestamped with {@code clock}. */
  public ReadinessFile(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** The file's path. */
  public Path path() {
    return file;
  }

  /** Creates or refreshes the file (write to a temporary sibling, then atomic rename). */
  public void touch() throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Instant now = clock.instant();
    Path tmp = Files.createTempFile(parent, "." + file.getFileName() + "-", ".tmp");
    try {
      Files.writeString(tmp, now.toString() + "\n", StandardCharsets.UTF_8);
      Files.setLastModifiedTime(tmp, FileTime.from(now));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Removes the file; no-op when absent. */
  public void remove() throws IOException {
    Files.deleteIfExists(file);
  }

  /** The probe verdict: fresh means it exists and was touched within {@code maxAge}. */
  public Verdict check(Duration maxAge) {
    try {
      Instant modified = Files.getLastModifiedTime(file).toInstant();
      Duration age = Duration.between(modified, clock.instant());
      if (age.compareTo(maxAge) > 0) {
        return new Verdict(
            false,
            file
                + " is stale: last touched "
                + age.toSeconds()
                + " s ago (max "
                + maxAge.toSeconds()
                + " s)");
      }
      return new Verdict(true, file + " is fresh (" + Math.max(0, age.toSeconds()) + " s old)");
    } catch (NoSuchFileException e) {
      return new Verdict(false, file + " does not exist");
    } catch (IOException e) {
      return new Verdict(false, file + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * A probe verdict.
   *
   * @param ok whether the probe passes
   * @param reason a one-line explanation
   */
  public record Verdict(boolean ok, String reason) {}
}
