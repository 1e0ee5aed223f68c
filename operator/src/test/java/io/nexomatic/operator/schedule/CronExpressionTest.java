package io.nexomatic.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronExpressionTest {

  // 2026-01-05 is a Monday; the days after it run through Sunday 2026-01-11.
  private static final LocalDate MONDAY = LocalDate.parse("2026-01-05");
  private static final LocalDate FRIDAY = LocalDate.parse("2026-01-09");
  private static final LocalDate SATURDAY = LocalDate.parse("2026-01-10");
  private static final LocalDate SUNDAY = LocalDate.parse("2026-01-11");

  @Test
  void aStarMatchesEveryValueAndANumberOnlyItself() {
    CronExpression cron = CronExpression.parse("5 * * * *");
    assertThat(cron.matchesTime(0, 5)).isTrue();
    assertThat(cron.matchesTime(23, 5)).isTrue();
    assertThat(cron.matchesTime(10, 6)).isFalse();
    assertThat(cron.matchesDate(MONDAY)).isTrue();
    assertThat(cron.matchesDate(SUNDAY)).isTrue();
  }

  @Test
  void aRangeIncludesBothEnds() {
    CronExpression cron = CronExpression.parse("0 9-17 * * *");
    assertThat(hoursMatched(cron)).containsExactly(9, 10, 11, 12, 13, 14, 15, 16, 17);
  }

  @Test
  void aStepCountsFromTheStartOfItsRange() {
    assertThat(minutesMatched(CronExpression.parse("*/15 0 * * *"))).containsExactly(0, 15, 30, 45);
    assertThat(minutesMatched(CronExpression.parse("10-30/10 0 * * *")))
        .containsExactly(10, 20, 30);
    assertThat(minutesMatched(CronExpression.parse("5/20 0 * * *"))).containsExactly(5, 25, 45);
  }

  @Test
  void aListUnitesItsElements() {
    CronExpression cron = CronExpression.parse("0,30 8-9,18 * * *");
    assertThat(minutesMatched(cron)).containsExactly(0, 30);
    assertThat(hoursMatched(cron)).containsExactly(8, 9, 18);
  }

  @Test
  void monthNamesAreCaseInsensitiveAndFormRanges() {
    CronExpression cron = CronExpression.parse("0 0 1 jan-Mar,DEC *");
    assertThat(cron.matchesDate(LocalDate.parse("2026-01-01"))).isTrue();
    assertThat(cron.matchesDate(LocalDate.parse("2026-03-01"))).isTrue();
    assertThat(cron.matchesDate(LocalDate.parse("2026-04-01"))).isFalse();
    assertThat(cron.matchesDate(LocalDate.parse("2026-12-01"))).isTrue();
  }

  @Test
  void dayNamesAreCaseInsensitiveAndFormRanges() {
    CronExpression weekdays = CronExpression.parse("0 8 * * mon-FRI");
    assertThat(weekdays.matchesDate(MONDAY)).isTrue();
    assertThat(weekdays.matchesDate(FRIDAY)).isTrue();
    assertThat(weekdays.matchesDate(SATURDAY)).isFalse();
    assertThat(weekdays.matchesDate(SUNDAY)).isFalse();

    CronExpression weekend = CronExpression.parse("0 8 * * Sat,sun");
    assertThat(weekend.matchesDate(SATURDAY)).isTrue();
    assertThat(weekend.matchesDate(SUNDAY)).isTrue();
    assertThat(weekend.matchesDate(MONDAY)).isFalse();
  }

  @ParameterizedTest(name = "day-of-week {0} is Sunday")
  @CsvSource({"0", "7", "SUN", "5-7", "0-0"})
  void bothZeroAndSevenMeanSunday(String dayOfWeek) {
    CronExpression cron = CronExpression.parse("0 0 * * " + dayOfWeek);
    assertThat(cron.matchesDate(SUNDAY)).isTrue();
    assertThat(cron.matchesDate(MONDAY)).isFalse();
  }

  @Test
  void anOpenEndedDayOfWeekStepStopsAtSaturday() {
    CronExpression cron = CronExpression.parse("0 0 * * 1/2");
    assertThat(cron.matchesDate(MONDAY)).isTrue();
    assertThat(cron.matchesDate(FRIDAY)).isTrue();
    assertThat(cron.matchesDate(SUNDAY)).isFalse();
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "@hourly,    0 * * * *",
    "@daily,     0 0 * * *",
    "@midnight,  0 0 * * *",
    "@weekly,    0 0 * * 0",
    "@monthly,   0 0 1 * *",
    "@yearly,    0 0 1 1 *",
    "@annually,  0 0 1 1 *",
    "@WEEKLY,    0 0 * * 0"
  })
  void aMacroMatchesExactlyWhatItsFiveFieldsMatch(String macro, String fields) {
    CronExpression expanded = CronExpression.parse(macro);
    CronExpression written = CronExpression.parse(fields);
    LocalDateTime t = LocalDateTime.parse("2025-12-28T00:00");
    // Every minute of the year's turn: covers hourly, daily, a Sunday, the 1st and January.
    for (int i = 0; i < 6 * 24 * 60; i++, t = t.plusMinutes(1)) {
      assertThat(expanded.matches(t)).as("%s at %s", macro, t).isEqualTo(written.matches(t));
    }
    assertThat(expanded.toString()).isEqualTo(macro);
  }

  @Test
  void whenBothDayFieldsAreRestrictedEitherOneMatchingIsEnough() {
    CronExpression cron = CronExpression.parse("0 0 13 * FRI");
    assertThat(cron.matchesDate(FRIDAY)).as("a Friday, not the 13th").isTrue();
    assertThat(cron.matchesDate(LocalDate.parse("2026-01-13"))).as("the 13th, a Tuesday").isTrue();
    assertThat(cron.matchesDate(LocalDate.parse("2026-02-13"))).as("Friday the 13th").isTrue();
    assertThat(cron.matchesDate(MONDAY)).isFalse();
  }

  @Test
  void whenEitherDayFieldIsAStarTheOtherMustMatch() {
    CronExpression thirteenth = CronExpression.parse("0 0 13 * *");
    assertThat(thirteenth.matchesDate(LocalDate.parse("2026-01-13"))).isTrue();
    assertThat(thirteenth.matchesDate(FRIDAY)).isFalse();

    CronExpression fridays = CronExpression.parse("0 0 * * FRI");
    assertThat(fridays.matchesDate(FRIDAY)).isTrue();
    assertThat(fridays.matchesDate(LocalDate.parse("2026-01-13"))).isFalse();
  }

  @Test
  void aSteppedStarRestrictsItsDayFieldAsKubernetesReadsIt() {
    // Odd days of the month or Mondays: 2026-01-05 is both, 01-12 only a Monday, 01-07 only odd.
    CronExpression cron = CronExpression.parse("0 0 */2 * MON");
    assertThat(cron.matchesDate(LocalDate.parse("2026-01-12"))).isTrue();
    assertThat(cron.matchesDate(LocalDate.parse("2026-01-07"))).isTrue();
    assertThat(cron.matchesDate(LocalDate.parse("2026-01-08"))).isFalse();
  }

  @Test
  void monthRestrictsTheDayWhicheverDayRuleApplies() {
    CronExpression cron = CronExpression.parse("0 0 13 FEB FRI");
    assertThat(cron.matchesDate(FRIDAY)).as("a Friday in January").isFalse();
    assertThat(cron.matchesDate(LocalDate.parse("2026-02-06"))).as("a Friday in February").isTrue();
  }

  @Test
  void matchingAnInstantIgnoresSeconds() {
    CronExpression cron = CronExpression.parse("30 8 * * MON");
    assertThat(cron.matches(MONDAY.atTime(8, 30, 59, 999_999_999))).isTrue();
    assertThat(cron.matches(MONDAY.atTime(8, 31))).isFalse();
    assertThat(cron.matches(SUNDAY.atTime(8, 30))).isFalse();
  }

  @Test
  void aTimeOutsideTheDayNeverMatches() {
    CronExpression cron = CronExpression.parse("* * * * *");
    assertThat(cron.matchesTime(24, 0)).isFalse();
    assertThat(cron.matchesTime(0, 60)).isFalse();
    assertThat(cron.matchesTime(-1, 0)).isFalse();
  }

  @Test
  void anExpressionPrintsAsWrittenAndEqualsAnotherParsedFromTheSameText() {
    CronExpression cron = CronExpression.parse("0 8 * * MON-FRI");
    assertThat(cron).hasToString("0 8 * * MON-FRI");
    assertThat(cron).isEqualTo(CronExpression.parse("0 8 * * MON-FRI"));
    assertThat(cron).hasSameHashCodeAs(CronExpression.parse("0 8 * * MON-FRI"));
    assertThat(cron).isNotEqualTo(CronExpression.parse("0 9 * * MON-FRI"));
  }

  @Test
  void extraWhitespaceBetweenFieldsIsAccepted() {
    CronExpression cron = CronExpression.parse("  0\t8  * *   MON ");
    assertThat(cron.matches(MONDAY.atTime(8, 0))).isTrue();
  }

  @ParameterizedTest(name = "\"{0}\" is rejected: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "* * * * | cron \"* * * *\": expected 5 fields (minute hour day-of-month month"
            + " day-of-week) but found 4; separate the fields with spaces, or use a macro such as"
            + " @daily",
        "0 0 * * * * | cron \"0 0 * * * *\": expected 5 fields",
        "61 * * * * | cron \"61 * * * *\": minute 61 is out of range 0-59",
        "0 24 * * * | cron \"0 24 * * *\": hour 24 is out of range 0-23",
        "0 0 0 * * | cron \"0 0 0 * *\": day-of-month 0 is out of range 1-31",
        "0 0 * 13 * | cron \"0 0 * 13 *\": month 13 is out of range 1-12",
        "0 0 * * 8 | cron \"0 0 * * 8\": day-of-week 8 is out of range 0-7",
        "0 0 * * 99999999999 | day-of-week 99999999999 is out of range 0-7",
        "*/0 * * * * | cron \"*/0 * * * *\": minute step 0 in */0 must be a whole number of at"
            + " least 1, e.g. */5",
        "0 */x * * * | hour step x in */x must be a whole number of at least 1",
        "0 17-9 * * * | cron \"0 17-9 * * *\": hour range 17-9 is reversed; ranges do not wrap,"
            + " so write the lower value first or split it, e.g. 17-23,0-9",
        "0 0 * * FRI-MON | day-of-week range FRI-MON is reversed",
        "0 0 * * FUN | cron \"0 0 * * FUN\": day-of-week FUN is not a number 0-7 or a day name"
            + " SUN-SAT",
        "0 0 1 JANUARY * | month JANUARY is not a number 1-12 or a month name JAN-DEC",
        "x 0 * * * | minute x is not a number 0-59",
        "1,,2 * * * * | minute 1,,2 has an empty list element; separate values with single"
            + " commas",
        "1-2-3 * * * * | minute 1-2-3 is not a range",
        "*/2/3 * * * * | minute */2/3 has more than one step",
        "@every 1h | cron \"@every 1h\": unknown macro @every 1h; use @hourly, @daily,"
            + " @midnight, @weekly, @monthly, @yearly or @annually"
      })
  void aMistakeIsRejectedWithAMessageNamingTheFieldTheValueAndTheFix(String text, String message) {
    assertThatThrownBy(() -> CronExpression.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void anEmptyExpressionIsRejected() {
    assertThatThrownBy(() -> CronExpression.parse(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is empty; write five fields");
    assertThatThrownBy(() -> CronExpression.parse(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static int[] hoursMatched(CronExpression cron) {
    return IntStream.range(0, 24)
        .filter(h -> IntStream.range(0, 60).anyMatch(m -> cron.matchesTime(h, m)))
        .toArray();
  }

  private static int[] minutesMatched(CronExpression cron) {
    return IntStream.range(0, 60)
        .filter(m -> IntStream.range(0, 24).anyMatch(h -> cron.matchesTime(h, m)))
        .toArray();
  }
}
