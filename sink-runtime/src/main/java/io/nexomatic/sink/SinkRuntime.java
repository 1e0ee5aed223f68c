package io.nexomatic.sink;

import io.nexomatic.sink.config.SinkConfig;
import io.nexomatic.sink.exec.TaskExecutor;

/** The sink's session with the Hub: the entry point the gRPC session layer implements. */
public final class SinkRuntime {
  private SinkRuntime() {}

  /**
   * Runs the sink until it is told to stop and returns the process exit code. The gRPC session
   * (issue 3) replaces this body; until then the sink cannot serve a Hub and says so.
   */
  public static int run(SinkConfig config, TaskExecutor executor) {
    throw new IllegalStateException("gRPC session not implemented yet: see issue 3");
  }
}
