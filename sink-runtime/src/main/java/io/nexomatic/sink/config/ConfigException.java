package io.nexomatic.sink.config;

import java.util.List;

/** The sink's environment is invalid; the message lists every problem, one per line. */
public final class ConfigException extends Exception {
  private final List<String> problems;

  /** Creates the exception from the problems found, each naming its variable and the fix. */
  public ConfigException(List<String> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in the order the variables were checked. */
  public List<String> problems() {
    return problems;
  }

  private static String format(List<String> problems) {
    StringBuilder sb =
        new StringBuilder("invalid sink configuration (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    for (String p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}
