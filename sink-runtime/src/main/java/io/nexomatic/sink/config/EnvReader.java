package io.nexomatic.sink.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads the sink's variables and collects problems instead of failing on the first, so one start
 * reports every problem. Each problem names its variable and the fix, never a secret value.
 */
final class EnvReader {
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  EnvReader(Map<String, String> env) {
    this.env = env;
  }

  /** Every variable as given, untrimmed (for the TASK_ENV_* family, whose values are passed on). */
  Map<String, String> all() {
    return env;
  }

  void problem(String variable, String text) {
    problems.add(variable + " " + text);
  }

  void throwIfProblems() throws ConfigException {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /** The trimmed value, or empty when unset or blank (blank counts as unset). */
  Optional<String> optional(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  String required(String name, String fix) {
    Optional<String> v = optional(name);
    if (v.isEmpty()) {
      problem(name, "is required; " + fix);
      return null;
    }
    return v.get();
  }

  Optional<String> optionalRequiredIf(String name, boolean required) {
    Optional<String> v = optional(name);
    if (required && v.isEmpty()) {
      problem(name, "is required when AUTH_METHOD=entra_id; set it (Workload Identity sets it)");
    }
    return v;
  }

  /**
   * The value read by {@code parser}, or {@code orElse} when unset or when the parser rejects it
   * (by throwing); a rejected value is reported as {@code is '<value>'} followed by {@code
   * rejection}. The parser may report a value it accepts but finds out of range.
   */
  <T> T parsed(String name, T orElse, Function<String, T> parser, String rejection) {
    Optional<String> v = optional(name);
    if (v.isEmpty()) {
      return orElse;
    }
    try {
      return parser.apply(v.get());
    } catch (IllegalArgumentException | ArithmeticException e) {
      problem(name, "is '" + v.get() + "'" + rejection);
      return orElse;
    }
  }

  /**
   * Like {@link #parsed}, and reports {@code outOfRange(raw, value)} for a value that parses but
   * that {@code inRange} refuses (the value is still returned, as the start fails anyway).
   */
  <T> T checked(
      String name,
      T orElse,
      Function<String, T> parser,
      String rejection,
      Predicate<T> inRange,
      BiFunction<String, T, String> outOfRange) {
    return parsed(
        name,
        orElse,
        raw -> {
          T value = parser.apply(raw);
          if (!inRange.test(value)) {
            problem(name, outOfRange.apply(raw, value));
          }
          return value;
        },
        rejection);
  }

  int intInRange(String name, int defaultValue, int min, int max) {
    String range = max == Integer.MAX_VALUE ? "at least " + min : min + "-" + max;
    return checked(
        name,
        defaultValue,
        Integer::parseInt,
        ", not an integer; set an integer " + range,
        n -> n >= min && n <= max,
        (raw, n) -> "is " + n + "; set an integer " + range);
  }

  long byteSize(String name, long defaultValue, long min) {
    return checked(
        name,
        defaultValue,
        SettingSyntax::parseByteSize,
        ", not a size; set bytes or a number with KB, MB, GB (1024-based)",
        n -> n >= min,
        (raw, n) -> "is " + n + " bytes; set at least " + min + " (e.g. 5MB)");
  }

  Duration duration(String name, Duration defaultValue, long minSeconds) {
    return checked(
        name,
        defaultValue,
        SettingSyntax::parseDuration,
        ", not a duration; set seconds (90) or 90s, 5m, 1h",
        d -> d.getSeconds() >= minSeconds,
        (raw, d) -> "is " + raw + "; set at least " + minSeconds + " s");
  }

  boolean bool(String name, boolean defaultValue) {
    return parsed(
        name,
        defaultValue,
        raw ->
            switch (raw.toLowerCase(Locale.ROOT)) {
              case "true", "1", "yes" -> true;
              case "false", "0", "no" -> false;
              default -> throw new IllegalArgumentException("not a boolean");
            },
        "; set true or false (also 1/0, yes/no)");
  }

  Optional<UUID> uuid(String name) {
    return parsed(
        name,
        Optional.empty(),
        raw -> {
          UUID parsed = UUID.fromString(raw);
          // UUID.fromString accepts short forms like "1-2-3-4-5"; require the canonical form.
          if (!parsed.toString().equalsIgnoreCase(raw)) {
            throw new IllegalArgumentException("not canonical");
          }
          return Optional.of(parsed);
        },
        ", not a UUID; set the tenant's UUID"
            + " (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) or unset it to serve all tenants");
  }

  Optional<Path> path(String name, String value) {
    try {
      return Optional.of(Path.of(value));
    } catch (InvalidPathException e) {
      problem(name, "is not a valid path: " + e.getReason());
      return Optional.empty();
    }
  }

  /** The path in {@code name}, or {@code defaultValue}; null when it is not a valid path. */
  Path pathOr(String name, String defaultValue) {
    return path(name, string(name, defaultValue)).orElse(null);
  }

  URI uri(String name, String defaultValue) {
    return parsed(
        name,
        URI.create(defaultValue),
        raw -> {
          URI uri = URI.create(raw);
          if (!"https".equalsIgnoreCase(uri.getScheme())
              && !"http".equalsIgnoreCase(uri.getScheme())) {
            problem(name, "is '" + raw + "'; set an https:// URL");
          }
          return uri;
        },
        ", not a URL; set an https:// URL");
  }
}
