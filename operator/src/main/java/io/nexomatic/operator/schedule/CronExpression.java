package io.nexomatic.operator.schedule;

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
   * One of the five fields. {@code openMax} is where {@code a/n} stops: day-of-week accepts 7 for
   * Sunday but {@code 1/2} should not add Sunday, as Kubernetes' parser (range 0-6) would not.
   */
  private record Field(
      String label, int min, int max, int openMax, List<String> names, String namesHint) {

    /** The value a name stands for, counted from the minimum so JAN is 1 and SUN 0; else -1. */
    int nameValue(String token) {
      int i = names.indexOf(token.toUpperCase(Locale.ROOT));
      return i < 0 ? -1 : min + i;
    }
  }

  private static final List<Field> FIELDS =
      List.of(
          new Field("minute", 0, 59, 59, List.of(), ""),
          new Field("hour", 0, 23, 23, List.of(), ""),
          new Field("day-of-month", 1, 31, 31, List.of(), ""),
          new Field("month", 1, 12, 12, MONTHS, " or a month name JAN-DEC"),
          new Field("day-of-week", 0, 7, 6, DAYS, " or a day name SUN-SAT"));

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
   * {@code a-b/n} or {@code a/n} (from a to the field's end), or a comma-separated list of these.
   * Month and day-of-week also take three-letter English names in any case; day-of-week takes 0-7
   * with both 0 and 7 meaning Sunday.
   *
   * @throws IllegalArgumentException naming the offending field and value and how to fix it
   */
  public static CronExpression parse(String text) {
    if (text == null || text.isBlank()) {
      throw fail(
          text == null ? "" : text,
          "is empty; write five fields such as \"0 8 * * MON-FRI\" or a macro such as @daily");
    }
    String body = text.trim();
    if (body.startsWith("@")) {
      String expanded = MACROS.get(body.toLowerCase(Locale.ROOT));
      if (expanded == null) {
        throw fail(
            text,
            "unknown macro %s; use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or"
                + " @annually",
            body);
      }
      body = expanded;
    }
    String[] parts = body.split("\\s+");
    if (parts.length != FIELDS.size()) {
      throw fail(
          text,
          "expected 5 fields (minute hour day-of-month month day-of-week) but found %d; separate"
              + " the fields with spaces, or use a macro such as @daily",
          parts.length);
    }
    long[] masks = new long[FIELDS.size()];
    for (int i = 0; i < masks.length; i++) {
      masks[i] = parseField(text, FIELDS.get(i), parts[i]);
    }
    return new CronExpression(text, masks, isAny(parts[2]), isAny(parts[4]));
  }

  /** Whether the expression fires in the minute of {@code t}; seconds and below are ignored. */
  public boolean matches(LocalDateTime t) {
    return matchesDate(t.toLocalDate()) && matchesTime(t.getHour(), t.getMinute());
  }

  /**
   * Whether the expression fires on some minute of {@code d}. When both day-of-month and
   * day-of-week are restricted, a day matching either one is enough (the Vixie cron rule); when
   * either is {@code *}, the day must match both.
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
    return hour >= 0
        && hour < 24
        && minute >= 0
        && minute < 60
        && has(hours, hour)
        && has(minutes, minute);
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
   * A day field left open, as Kubernetes' parser decides it: an element is a star with no step
   * other than 1. So <code>*&#47;2</code> counts as a restriction and joins the either-or day rule.
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
            "%s %s has an empty list element; separate values with single commas, e.g. 1,15",
            field.label(),
            value);
      }
      mask |= parseElement(text, field, element);
    }
    return mask;
  }

  private static long parseElement(String text, Field field, String element) {
    String[] rangeAndStep = element.split("/", -1);
    if (rangeAndStep.length > 2) {
      throw fail(
          text, "%s %s has more than one step; write one, e.g. */15", field.label(), element);
    }
    String range = rangeAndStep[0];
    int step = rangeAndStep.length == 2 ? parseStep(text, field, element, rangeAndStep[1]) : 1;
    int low;
    int high;
    if (range.equals("*")) {
      low = field.min();
      high = field.max();
    } else {
      String[] bounds = range.split("-", -1);
      if (bounds.length > 2) {
        throw fail(text, "%s %s is not a range; write a-b, e.g. 1-5", field.label(), element);
      }
      low = parseValue(text, field, bounds[0]);
      high = bounds.length == 2 ? parseValue(text, field, bounds[1]) : low;
      if (bounds.length == 1 && rangeAndStep.length == 2) {
        high = Math.max(low, field.openMax());
      }
      if (low > high) {
        throw fail(
            text,
            "%s range %s is reversed; ranges do not wrap, so write the lower value first or split"
                + " it, e.g. %s-%d,%d-%s",
            field.label(),
            range,
            bounds[0],
            field.max(),
            field.min(),
            bounds[1]);
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
          "%s step %s in %s must be a whole number of at least 1, e.g. */5",
          field.label(),
          step,
          element);
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
        String shown = token.isEmpty() ? "value (missing)" : token;
        throw fail(
            text,
            "%s %s is not a number %d-%d%s",
            field.label(),
            shown,
            field.min(),
            field.max(),
            field.namesHint());
      }
    }
    if (value < field.min() || value > field.max()) {
      throw fail(
          text, "%s %s is out of range %d-%d", field.label(), token, field.min(), field.max());
    }
    return value;
  }

  private static boolean isDigits(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static IllegalArgumentException fail(String text, String problem, Object... args) {
    return new IllegalArgumentException("cron \"" + text + "\": " + String.format(problem, args));
  }
}
