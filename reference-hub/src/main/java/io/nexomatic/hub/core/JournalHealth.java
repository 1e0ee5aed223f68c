package io.nexomatic.hub.core;

import io.grpc.Status;
import io.grpc.StatusException;
import io.nexomatic.hub.store.JournalWriteException;
import io.nexomatic.hub.store.TaskJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the journal takes writes. After a failed write the Hub refuses what it could not record
 * (submissions, results, leases, log bytes) with a status naming the cause, makes no offers, and
 * probes the journal until a write succeeds again. Thread-safe: log appends run outside the core's
 * lock.
 */
final class JournalHealth {
  /**
   * How often a failing journal is probed. A probe is a real disk write: once a second notices
   * returning space promptly without hammering a device that is failing.
   */
  static final long PROBE_INTERVAL_MS = 1_000;

  private static final Logger log = LoggerFactory.getLogger(JournalHealth.class);

  private final TaskJournal journal;
  private JournalWriteException failure;
  private long failedSince;
  private long lastProbe;

  JournalHealth(TaskJournal journal) {
    this.journal = journal;
  }

  synchronized boolean writable() {
    return failure == null;
  }

  /** A write failed; the first failure of an outage is logged, the rest only counted. */
  synchronized void failed(JournalWriteException e, long now) {
    if (failure == null) {
      failedSince = now;
      log.error(
          "journal write failed ({}): refusing submissions, results and leases until it takes"
              + " writes again{}",
          e.getMessage(),
          e.diskFull() ? "; free space on the Hub's data volume" : "");
    }
    failure = e;
    lastProbe = now;
  }

  /** A write succeeded: an outage, if any, is over. */
  synchronized void succeeded(long now) {
    if (failure != null) {
      log.info("journal takes writes again after {} ms", now - failedSince);
      failure = null;
    }
  }

  /** Probes a failing journal when a probe is due; true when the journal takes writes. */
  synchronized boolean probe(long now) {
    if (failure == null) {
      return true;
    }
    if (now - lastProbe < PROBE_INTERVAL_MS) {
      return false;
    }
    lastProbe = now;
    try {
      journal.probe();
    } catch (JournalWriteException e) {
      failure = e;
      return false;
    }
    succeeded(now);
    return true;
  }

  /**
   * The status a caller gets for what the Hub could not record: RESOURCE_EXHAUSTED for a full disk
   * (retry later), UNAVAILABLE for another fault.
   */
  synchronized StatusException refusal(String what, JournalWriteException e) {
    Status code = e.diskFull() ? Status.RESOURCE_EXHAUSTED : Status.UNAVAILABLE;
    return code.withDescription(
            "the Hub cannot write its journal ("
                + e.rootCause()
                + "), so it recorded nothing of this "
                + what
                + "; retry later: the Hub takes work again as soon as its data volume takes"
                + " writes")
        .withCause(e)
        .asException();
  }
}
