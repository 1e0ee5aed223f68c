package io.nexomatic.hub.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials in force, re-read when the file's content changes, so a client secret can be
 * rotated without a restart: a Kubernetes Secret volume swaps the file in place. A file that no
 * longer reads or validates leaves the previous credentials in force and is reported once.
 */
public final class CredentialsWatcher implements Supplier<Credentials> {
  private static final Logger log = LoggerFactory.getLogger(CredentialsWatcher.class);

  private final Path file;
  private final AtomicReference<Credentials> current;
  private byte[] lastContent;
  private String lastProblem;

  /** Watches {@code file}, whose content has just been read as {@code initial}. */
  public CredentialsWatcher(Path file, Credentials initial) throws IOException {
    this.file = file;
    this.current = new AtomicReference<>(initial);
    this.lastContent = Files.readAllBytes(file);
  }

  @Override
  public Credentials get() {
    return current.get();
  }

  /** Re-reads the file; returns whether the credentials in force changed. */
  public synchronized boolean reload() {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      report("cannot read the credentials file " + file + " (" + e + ")");
      return false;
    }
    if (Arrays.equals(content, lastContent)) {
      return false;
    }
    try {
      Credentials next = CredentialsFile.read(file);
      current.set(next);
      lastContent = content;
      lastProblem = null;
      log.info(
          "credentials reloaded from {}: {} sink type(s), {} tenant(s)",
          file,
          next.sinkTypes().size(),
          next.tenants().size());
      return true;
    } catch (IOException | IllegalArgumentException e) {
      report(e.getMessage() + "; the previous credentials stay in force");
      return false;
    }
  }

  private void report(String problem) {
    if (!problem.equals(lastProblem)) {
      log.error("{}", problem);
      lastProblem = problem;
    }
  }
}
