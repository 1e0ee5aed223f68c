package io.nexomatic.operator;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when the operator stops leading. Losing the leader lease while running (a network
 * partition, an API server outage longer than the renew deadline) ends the process so Kubernetes
 * restarts it and it competes again; an operator that is being stopped on purpose gives the lease
 * up without that. JOSDK's own exit-on-stop-leading cannot tell the two apart: it calls System.exit
 * from inside {@code Operator.stop()}, which kills an embedding JVM (tests) and, in a shutdown
 * hook, races the JVM's own exit.
 */
public final class LeaseLoss {

  private static final Logger log = LoggerFactory.getLogger(LeaseLoss.class);

  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Runnable exit;

  /**
   * @param exit what ends the process (System.exit(1) in production)
   */
  public LeaseLoss(Runnable exit) {
    this.exit = exit;
  }

  /**
   * Exits with code 1, from a thread of its own so the leader elector is not blocked (OperatorMain
   * passes its own exit, which its shutdown hook tells apart from a SIGTERM).
   */
  public static LeaseLoss exitingProcess() {
    return new LeaseLoss(() -> new Thread(() -> System.exit(1), "lease-lost-exit").start());
  }

  /** Marks the stop that follows as deliberate. */
  public void stopping() {
    stopping.set(true);
  }

  /** The leader elector's stop-leading callback. */
  void stoppedLeading() {
    if (stopping.get()) {
      log.info("gave up the leader lease while stopping");
      return;
    }
    log.error(
        "lost the leader lease while running; exiting so the pod restarts and competes again");
    exit.run();
  }
}
