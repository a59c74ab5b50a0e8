package dev.etcdsnapshot.operator.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed, validated cron schedule in an IANA time zone: standard 5-field UNIX cron plus the {@code @hourly}-style
 * descriptors that k3s's cron parser accepts.
 */
public final class CronSchedule {

  /** The default of {@code spec.schedule}, as k3s's {@code --etcd-snapshot-schedule-cron}. */
  public static final String DEFAULT_SCHEDULE = "0 */12 * * *";

  /** The default of {@code spec.timeZone}. */
  public static final String DEFAULT_TIME_ZONE = "UTC";

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** The descriptors, written out as the 5-field expressions they stand for. */
  private static final Map<String, String> DESCRIPTORS = Map.of(
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime executionTime;

  private CronSchedule(String expression, ZoneId zone, ExecutionTime executionTime) {
    this.expression = expression;
    this.zone = zone;
    this.executionTime = executionTime;
  }

  /**
   * Parses a schedule; {@code null} or blank values take the defaults.
   *
   * @throws InvalidScheduleException naming {@code spec.schedule} or {@code spec.timeZone}
   */
  public static CronSchedule parse(String schedule, String timeZone) throws InvalidScheduleException {
    String expr = schedule == null || schedule.isBlank() ? DEFAULT_SCHEDULE : schedule.trim();
    ZoneId zone = zone(timeZone);
    String fields = expr.startsWith("@") ? descriptor(expr) : expr;
    if (fields.split("\\s+").length != 5) {
      throw invalidCron(expr, "expected 5 fields (minute hour day-of-month month day-of-week) or a descriptor"
          + " such as @hourly");
    }
    try {
      return new CronSchedule(expr, zone, ExecutionTime.forCron(PARSER.parse(fields)));
    } catch (IllegalArgumentException e) {
      throw invalidCron(expr, e.getMessage());
    }
  }

  private static ZoneId zone(String timeZone) throws InvalidScheduleException {
    String tz = timeZone == null || timeZone.isBlank() ? DEFAULT_TIME_ZONE : timeZone.trim();
    try {
      return ZoneId.of(tz);
    } catch (DateTimeException e) {
      throw new InvalidScheduleException("spec.timeZone", InvalidScheduleException.REASON_TIME_ZONE,
          "spec.timeZone \"" + tz + "\" is not an IANA time zone (e.g. UTC, Europe/Berlin)");
    }
  }

  private static String descriptor(String expr) throws InvalidScheduleException {
    String fields = DESCRIPTORS.get(expr.toLowerCase(Locale.ROOT));
    if (fields == null) {
      throw invalidCron(expr, "unknown descriptor; use one of @yearly, @annually, @monthly, @weekly, @daily,"
          + " @midnight, @hourly");
    }
    return fields;
  }

  private static InvalidScheduleException invalidCron(String expr, String why) {
    return new InvalidScheduleException("spec.schedule", InvalidScheduleException.REASON_SCHEDULE,
        "spec.schedule \"" + expr + "\" is not a valid cron expression: " + why);
  }

  /** The expression as written (or the default). */
  public String expression() {
    return expression;
  }

  /** The time zone slots are computed in. */
  public ZoneId zone() {
    return zone;
  }

  /** The first slot strictly after {@code t}; empty when the expression never fires again (e.g. 30 Feb). */
  public Optional<Instant> nextAfter(Instant t) {
    return executionTime.nextExecution(ZonedDateTime.ofInstant(t, zone)).map(ZonedDateTime::toInstant);
  }

  /** The latest slot at or before {@code t}. */
  public Optional<Instant> lastAtOrBefore(Instant t) {
    ZonedDateTime at = ZonedDateTime.ofInstant(t, zone);
    if (executionTime.isMatch(at) && at.getSecond() == 0 && at.getNano() == 0) {
      return Optional.of(t);
    }
    return executionTime.lastExecution(at).map(ZonedDateTime::toInstant);
  }
}
