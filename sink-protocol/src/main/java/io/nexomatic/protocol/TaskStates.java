package io.nexomatic.protocol;

import io.nexomatic.protocol.v1.TaskState;

/** Facts about {@link TaskState} that every side of the protocol needs the same way. */
public final class TaskStates {
  private TaskStates() {}

  /** Whether a task in {@code state} has ended for good: SUCCESS, WARNING or ERROR. */
  public static boolean isTerminal(TaskState state) {
    return state == TaskState.SUCCESS || state == TaskState.WARNING || state == TaskState.ERROR;
  }
}
