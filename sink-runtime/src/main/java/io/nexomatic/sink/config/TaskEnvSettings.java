package io.nexomatic.sink.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads what tasks receive beyond the sink's fixed allowlist: {@code TASK_ENV_PASSTHROUGH} and the
 * {@code TASK_ENV_<NAME>} variables. Both refuse names that would hand tasks the sink's settings or
 * credentials ({@link SinkVariables#forbiddenInTaskEnv}).
 */
final class TaskEnvSettings {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private TaskEnvSettings() {}

  /** The names listed in {@code TASK_ENV_PASSTHROUGH}, without the refused ones. */
  static List<String> passthrough(EnvReader r) {
    List<String> names = new ArrayList<>();
    for (String raw : r.string("TASK_ENV_PASSTHROUGH", "").split(",")) {
      String n = raw.trim();
      if (n.isEmpty()) {
        continue;
      }
      if (!ENV_NAME.matcher(n).matches()) {
        r.problem("TASK_ENV_PASSTHROUGH", "lists '" + n + "', not a variable name; remove it");
        continue;
      }
      Optional<String> reason = SinkVariables.forbiddenInTaskEnv(n);
      if (reason.isPresent()) {
        r.problem(
            "TASK_ENV_PASSTHROUGH",
            "lists " + n + ", which tasks may never receive (" + reason.get() + "); remove it");
        continue;
      }
      names.add(n);
    }
    return names;
  }

  /** The {@code TASK_ENV_<NAME>} values by task variable name, in name order. */
  static Map<String, Secret> extra(EnvReader r) {
    Map<String, Secret> extra = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(r.all()).entrySet()) {
      if (!e.getKey().startsWith(SinkVariables.TASK_ENV_PREFIX)
          || e.getKey().equals("TASK_ENV_PASSTHROUGH")) {
        continue;
      }
      String target = e.getKey().substring(SinkVariables.TASK_ENV_PREFIX.length());
      if (target.isEmpty() || !ENV_NAME.matcher(target).matches()) {
        r.problem(e.getKey(), "does not name a task variable; use TASK_ENV_<NAME>");
        continue;
      }
      Optional<String> reason = SinkVariables.forbiddenInTaskEnv(target);
      if (reason.isPresent()) {
        r.problem(
            e.getKey(),
            "would give tasks " + target + " (" + reason.get() + "); remove or rename it");
        continue;
      }
      extra.put(target, Secret.of(e.getValue()));
    }
    return extra;
  }
}
