package io.nexomatic.demo;

/** Where the fleet's pods run: local sink processes, or a real kubelet. */
interface DemoPods extends AutoCloseable {

  /** Begins running the fleet's pods. */
  void start();

  /** SIGKILLs the sink of {@code podName}; whether there was one to kill. */
  boolean kill(String podName);

  /** Sink processes (or containers) started so far. */
  int startedCount();

  /** Sink processes (or containers) stopped so far. */
  int stoppedCount();

  @Override
  void close();
}
