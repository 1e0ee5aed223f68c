package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A recurring window during which a Backlog fleet runs at least minReplicas sinks. */
public class CapacityScheduleSpec {

  /** How Events and status.activeSchedule name this window. */
  @JsonPropertyDescription("How Events and status.activeSchedule name this window.")
  @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
  private String name;

  /** When the window starts: five cron fields or a macro, as a Kubernetes CronJob reads them. */
  @JsonPropertyDescription(
      "When the window starts: five cron fields (minute hour day-of-month month day-of-week) or a"
          + " macro such as @daily, read as a Kubernetes CronJob schedule is.")
  @Required
  @Pattern("^(@[a-z]+|\\S+ \\S+ \\S+ \\S+ \\S+)$")
  private String cron;

  /** The IANA time zone the cron is read in. */
  @JsonPropertyDescription(
      "The IANA time zone the cron is read in, e.g. Europe/Berlin; daylight-saving changes follow"
          + " it.")
  @Default("UTC")
  private String timeZone = "UTC";

  /** How long each start keeps the window active, in minutes (at most 7 days). */
  @JsonPropertyDescription(
      "How long each start keeps the window active, in minutes of elapsed time (at most 7 days).")
  @Required
  @Min(1)
  @Max(10080)
  private Integer durationMinutes;

  /** The fewest sinks while the window is active (capped at autoscaling.maxReplicas). */
  @JsonPropertyDescription("The fewest sinks while the window is active.")
  @Required
  @Min(0)
  private Integer minReplicas;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getCron() {
    return cron;
  }

  public void setCron(String cron) {
    this.cron = cron;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  public Integer getDurationMinutes() {
    return durationMinutes;
  }

  public void setDurationMinutes(Integer durationMinutes) {
    this.durationMinutes = durationMinutes;
  }

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }
}
