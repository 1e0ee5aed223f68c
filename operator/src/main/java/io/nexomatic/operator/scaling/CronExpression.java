package io.nexomatic.operator.scaling;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A standard five-field cron expression, parsed the way Kubernetes CronJob reads one. */
public final class CronExpression {

  private static final Map<String, String> MACROS =
      Map.of(
          "@hourly", "0 * * * *",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@weekly", "0 0 * * 0",
          "@monthly", "0 0 1 * *",
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *");

  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /**
   * The five fields. {@code openMax} is where {@code a/n} stops: day-of-week accepts 7 for Sunday
   * but {@code 1/2} should not add Sunday, as Kubernetes' parser (range 0-6) would not.
   */
  private enum Field {
    MINUTE("minute", 0, 59, 59, List.of(), ""),
    HOUR("hour", 0, 23, 23, List.of(), ""),
    DAY_OF_MONTH("day-of-month", 1, 31, 31, List.of(), ""),
    MONTH("month", 1, 12, 12, MONTHS, "month name JAN-DEC"),
    DAY_OF_WEEK("day-of-week", 0, 7, 6, DAYS, "day name SUN-SAT");

    final String label;
    final int min;
    final int max;
    final int openMax;
    final List<String> names;
    final String namesHint;

    Field(String label, int min, int max, int openMax, List<String> names, String namesHint) {
      this.label = label;
      this.min = min;
      this.max = max;
      this.openMax = openMax;
      this.names = names;
      this.namesHint = namesHint;
    }

    /** Index of a name, offset so JAN is 1 and SUN is 0; -1 when unknown. */
    int nameValue(String token) {
      int i = names.indexOf(token.toUpperCase(Locale.ROOT));
      return i < 0 ? -1 : i + (this == MONTH ? 1 : 0);
    }
  }

  private final String text;
  private final long minutes;
  private final long hours;
  private final long daysOfMonth;
  private final long months;
  private final long daysOfWeek;
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;
  private final int[] minutesOfDay;

  private CronExpression(String text, long[] masks, boolean anyDayOfMonth, boolean anyDayOfWeek) {
    this.text = text;
    this.minutes = masks[0];
    this.hours = masks[1];
    this.daysOfMonth = masks[2];
    this.months = masks[3];
    // Fold 7 onto 0 so Sunday has one bit whichever way it was written.
    this.daysOfWeek = (masks[4] | ((masks[4] >>> 7) & 1L)) & 0x7FL;
    this.anyDayOfMonth = anyDayOfMonth;
    this.anyDayOfWeek = anyDayOfWeek;
    this.minutesOfDay = computeMinutesOfDay();
  }

  /**
   * Parses {@code minute hour day-of-month month day-of-week} or one of the macros {@code @hourly},
   * {@code @daily}, {@code @midnight}, {@code @weekly}, {@code @monthly}, {@code @yearly} and
   * {@code @annually}.
   *
   * <p>Each field takes {@code *}, a number, a range {@code a-b}, a step <code>*&#47;n</code>,
   * {@code a-b/n} or {@code a/n} (from a to the field's end), or a comma-separated list of these. Month and
   * day-of-week also take three-letter English names in any case; day-of-week takes 0-7 with both 0
   * and 7 meaning Sunday.
   *
   * @throws IllegalArgumentException naming the offending field and value and how to fix it
   */
  public static CronExpression parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "cron \"" + (text == null ? "" : text) + "\": is empty; write five fields such as"
              + " \"0 8 * * MON-FRI\" or a macro such as @daily");
    }
    String body = text.trim();
    if (body.startsWith("@")) {
      String expanded = MACROS.get(body.toLowerCase(Locale.ROOT));
      if (expanded == null) {
        throw fail(
            text,
            "unknown macro "
                + body
                + "; use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually");
      }
      body = expanded;
    }
    String[] parts = body.split("\\s+");
    Field[] fields = Field.values();
    if (parts.length != fields.length) {
      throw fail(
          text,
          "expected 5 fields (minute hour day-of-month month day-of-week) but found "
              + parts.length
              + "; separate the fields with spaces, or use a macro such as @daily");
    }
    long[] masks = new long[fields.length];
    for (int i = 0; i < fields.length; i++) {
      masks[i] = parseField(text, fields[i], parts[i]);
    }
    return new CronExpression(text, masks, isAny(parts[2]), isAny(parts[4]));
  }

  /** Whether the expression fires in the minute of {@code t}; seconds and below are ignored. */
  public boolean matches(LocalDateTime t) {
    return matchesDate(t.toLocalDate()) && matchesTime(t.getHour(), t.getMinute());
  }

  /**
   * Whether the expression fires on some minute of {@code d}. When both day-of-month and day-of-week
   * are restricted, a day matching either one is enough (the Vixie cron rule); when either is
   * {@code *}, the day must match both.
   */
  public boolean matchesDate(LocalDate d) {
    if (!has(months, d.getMonthValue())) {
      return false;
    }
    boolean dom = has(daysOfMonth, d.getDayOfMonth());
    boolean dow = has(daysOfWeek, d.getDayOfWeek().getValue() % 7);
    return anyDayOfMonth || anyDayOfWeek ? dom && dow : dom || dow;
  }

  /** Whether the expression fires at {@code hour:minute} on the days it matches. */
  public boolean matchesTime(int hour, int minute) {
    return hour >= 0 && hour < 24 && minute >= 0 && minute < 60
        && has(hours, hour) && has(minutes, minute);
  }

  /**
   * The minutes after local midnight at which the expression fires, ascending. Package-private so
   * schedule searches visit only firing times rather than all 1440 minutes of a day.
   */
  int[] minutesOfDay() {
    return minutesOfDay.clone();
  }

  /** The text as given to {@link #parse}. */
  @Override
  public String toString() {
    return text;
  }

  /** Equal when parsed from the same text, so a spec that did not change compares equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof CronExpression other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  private int[] computeMinutesOfDay() {
    int[] result = new int[Long.bitCount(hours) * Long.bitCount(minutes)];
    int n = 0;
    for (int h = 0; h < 24; h++) {
      if (has(hours, h)) {
        for (int m = 0; m < 60; m++) {
          if (has(minutes, m)) {
            result[n++] = h * 60 + m;
          }
        }
      }
    }
    return result;
  }

  private static boolean has(long mask, int bit) {
    return (mask & (1L << bit)) != 0;
  }

  /**
   * A day field left open, as Kubernetes' parser decides it: some element is {@code *} or
   * <code>*&#47;1</code>. So <code>*&#47;2</code> counts as a restriction and takes part in the
   * either-or day rule.
   */
  private static boolean isAny(String field) {
    for (String element : field.split(",", -1)) {
      if (element.equals("*") || element.equals("*/1")) {
        return true;
      }
    }
    return false;
  }

  private static long parseField(String text, Field field, String value) {
    long mask = 0;
    for (String element : value.split(",", -1)) {
      if (element.isEmpty()) {
        throw fail(
            text,
            field.label
                + " "
                + value
                + " has an empty list element; separate values with single commas, e.g. 1,15");
      }
      mask |= parseElement(text, field, element);
    }
    return mask;
  }

  private static long parseElement(String text, Field field, String element) {
    String[] rangeAndStep = element.split("/", -1);
    if (rangeAndStep.length > 2) {
      throw fail(
          text,
          field.label + " " + element + " has more than one step; write a single /n, e.g. */15");
    }
    String range = rangeAndStep[0];
    int step = rangeAndStep.length == 2 ? parseStep(text, field, element, rangeAndStep[1]) : 1;
    int low;
    int high;
    if (range.equals("*")) {
      low = field.min;
      high = field.max;
    } else {
      String[] bounds = range.split("-", -1);
      if (bounds.length > 2) {
        throw fail(text, field.label + " " + element + " is not a range; write a-b, e.g. 1-5");
      }
      low = parseValue(text, field, bounds[0]);
      high = bounds.length == 2 ? parseValue(text, field, bounds[1]) : low;
      if (bounds.length == 1 && rangeAndStep.length == 2) {
        high = Math.max(low, field.openMax);
      }
      if (low > high) {
        throw fail(
            text,
            field.label
                + " range "
                + range
                + " is reversed; ranges do not wrap, so write the lower value first or split it,"
                + " e.g. "
                + bounds[0]
                + "-"
                + field.max
                + ","
                + field.min
                + "-"
                + bounds[1]);
      }
    }
    long mask = 0;
    for (int v = low; v <= high; v += step) {
      mask |= 1L << v;
    }
    return mask;
  }

  private static int parseStep(String text, Field field, String element, String step) {
    int n = isDigits(step) && step.length() <= 4 ? Integer.parseInt(step) : -1;
    if (n < 1) {
      throw fail(
          text,
          field.label
              + " step "
              + step
              + " in "
              + element
              + " must be a whole number of at least 1, e.g. */5");
    }
    return n;
  }

  private static int parseValue(String text, Field field, String token) {
    int value;
    if (isDigits(token)) {
      // Long runs of digits are out of range anyway; cap them before they overflow an int.
      value = token.length() > 4 ? Integer.MAX_VALUE : Integer.parseInt(token);
    } else {
      value = field.nameValue(token);
      if (value < 0) {
        String expected =
            field.names.isEmpty()
                ? "a number " + field.min + "-" + field.max
                : "a number " + field.min + "-" + field.max + " or a " + field.namesHint;
        String shown = token.isEmpty() ? "value (missing)" : token;
        throw fail(text, field.label + " " + shown + " is not " + expected);
      }
    }
    if (value < field.min || value > field.max) {
      String shown = token.length() > 4 ? token : Integer.toString(value);
      throw fail(
          text,
          field.label + " " + shown + " is out of range " + field.min + "-" + field.max);
    }
    return value;
  }

  private static boolean isDigits(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static IllegalArgumentException fail(String text, String problem) {
    return new IllegalArgumentException("cron \"" + text + "\": " + problem);
  }
}
