package io.nexomatic.sink.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The syntax of the sink's size and duration settings, shared by the loader and the probes. */
public final class SettingSyntax {
  private static final Pattern BYTE_SIZE =
      Pattern.compile("(\\d+)\\s*(B|K|KB|KIB|M|MB|MIB|G|GB|GIB)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(S|M|H)?", Pattern.CASE_INSENSITIVE);

  private SettingSyntax() {}

  /**
   * Parses a size such as {@code 5242880}, {@code 5MB}, {@code 5 MiB} or {@code 512k}. KB/MB/GB are
   * 1024-based like KiB/MiB/GiB, so the seed's "5 MB" stays 5242880 bytes.
   */
  public static long parseByteSize(String text) {
    Amount size = Amount.parse(BYTE_SIZE, text, "B", "size");
    long number = size.number();
    int shift =
        switch (size.unit().charAt(0)) {
          case 'K' -> 10;
          case 'M' -> 20;
          case 'G' -> 30;
          default -> 0;
        };
    if (number > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("too large");
    }
    return number << shift;
  }

  /** Parses seconds ({@code 90}) or a number with unit s, m or h ({@code 90s}, {@code 5m}). */
  public static Duration parseDuration(String text) {
    Amount duration = Amount.parse(DURATION, text, "S", "duration");
    long number = duration.number();
    return switch (duration.unit()) {
      case "M" -> Duration.ofMinutes(number);
      case "H" -> Duration.ofHours(number);
      default -> Duration.ofSeconds(number);
    };
  }

  /** A number and its unit (upper case), as both settings write them. */
  private record Amount(long number, String unit) {
    static Amount parse(Pattern syntax, String text, String defaultUnit, String what) {
      Matcher m = syntax.matcher(text.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("not a " + what);
      }
      String unit = m.group(2) == null ? defaultUnit : m.group(2).toUpperCase(Locale.ROOT);
      return new Amount(Long.parseLong(m.group(1)), unit);
    }
  }
}
