package io.nexomatic.demo;

import io.nexomatic.protocol.v1.TaskState;
import java.util.List;

/** The demo's sample tasks: each module of examples/modules/demo with the state it must end in. */
enum TaskMix {
  OK("demo.ok", TaskState.SUCCESS, 0, 60),
  WARN("demo.warn", TaskState.WARNING, 0, 15),
  FAIL("demo.fail", TaskState.ERROR, 0, 10),
  FLOOD("demo.flood", TaskState.SUCCESS, 0, 5),
  SLOW("demo.slow", TaskState.ERROR, 2, 10);

  final String module;
  final TaskState expected;
  final int timeoutSeconds;
  final int percent;

  TaskMix(String module, TaskState expected, int timeoutSeconds, int percent) {
    this.module = module;
    this.expected = expected;
    this.timeoutSeconds = timeoutSeconds;
    this.percent = percent;
  }

  /** The kinds for a batch of {@code n} tasks, interleaved, in the mix's proportions. */
  static List<TaskMix> batch(int n) {
    var out = new java.util.ArrayList<TaskMix>(n);
    for (int i = 0; i < n; i++) {
      // Spread each kind over the batch instead of submitting it in one block.
      int slot = (int) ((i * 37L) % 100);
      int edge = 0;
      for (TaskMix kind : values()) {
        edge += kind.percent;
        if (slot < edge) {
          out.add(kind);
          break;
        }
      }
    }
    return out;
  }

  static TaskMix ofModule(String module) {
    for (TaskMix kind : values()) {
      if (kind.module.equals(module)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("not a demo module: " + module);
  }
}
