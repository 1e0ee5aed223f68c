package io.nexomatic.operator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator process's settings, read from the environment and validated at start.
 *
 * @param watchNamespaces namespaces to watch; empty watches all (WATCH_NAMESPACES)
 * @param leaderElection whether to run only while holding the Lease (LEADER_ELECTION)
 * @param leaseName the Lease's name (LEASE_NAME)
 * @param leaseNamespace the Lease's namespace (LEASE_NAMESPACE, else POD_NAMESPACE)
 * @param identity this replica's identity in the Lease and in Events (POD_NAME)
 * @param httpPort port of /healthz, /readyz and /metrics (HTTP_PORT)
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    String identity,
    int httpPort) {

  /** Reads the settings; throws listing every problem at once. */
  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    var problems = new ArrayList<String>();
    var namespaces = new LinkedHashSet<String>();
    Arrays.stream(env.getOrDefault("WATCH_NAMESPACES", "").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(namespaces::add);
    boolean leaderElection = parseBoolean(env, "LEADER_ELECTION", true, problems);
    String leaseNamespace = env.getOrDefault("LEASE_NAMESPACE", env.get("POD_NAMESPACE"));
    if (leaderElection && (leaseNamespace == null || leaseNamespace.isBlank())) {
      problems.add(
          "LEADER_ELECTION is on but neither LEASE_NAMESPACE nor POD_NAMESPACE is set:"
              + " set POD_NAMESPACE from the downward API, or LEADER_ELECTION=false for a single"
              + " local replica");
    }
    int port = 8080;
    String portText = env.get("HTTP_PORT");
    if (portText != null) {
      try {
        port = Integer.parseInt(portText.trim());
        if (port < 1 || port > 65535) {
          problems.add("HTTP_PORT must be between 1 and 65535, got " + portText);
        }
      } catch (NumberFormatException e) {
        problems.add("HTTP_PORT must be a port number, got '" + portText + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid operator configuration:\n  - " + String.join("\n  - ", problems));
    }
    String identity =
        env.getOrDefault("POD_NAME", "nexomatic-operator-" + ProcessHandle.current().pid());
    return new OperatorSettings(
        Set.copyOf(namespaces),
        leaderElection,
        env.getOrDefault("LEASE_NAME", "nexomatic-operator"),
        leaseNamespace,
        identity,
        port);
  }

  private static boolean parseBoolean(
      Map<String, String> env, String name, boolean fallback, List<String> problems) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problems.add(name + " must be true or false, got '" + value + "'");
        yield fallback;
      }
    };
  }
}
