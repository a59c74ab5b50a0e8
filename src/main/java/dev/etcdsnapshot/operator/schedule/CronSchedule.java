package dev.etcdsnapshot.operator.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.etcdsnapshot.storage.s3.GoDuration;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed, validated cron schedule in an IANA time zone, in the syntax k3s's parser (robfig/cron v3
 * {@code ParseStandard}, k3s-io/k3s pkg/etcd/snapshot.go) accepts: standard 5-field UNIX cron, the {@code @hourly}-style
 * descriptors, {@code @every <Go duration>}, and a {@code CRON_TZ=<zone> } (or {@code TZ=<zone> }) prefix, which wins
 * over {@code spec.timeZone} as robfig's prefix wins over the parser's location.
 *
 * <p>{@code @every d} fires at the multiples of {@code d} since the Unix epoch (whole seconds, at least 1 s, as robfig
 * rounds it), not {@code d} after the process started as robfig does: a slot must be the same instant in every pod
 * and after a restart, so that it is taken exactly once.
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

  private static final String EVERY = "@every ";
  private static final Pattern TZ_PREFIX = Pattern.compile("^(CRON_TZ|TZ)=(\\S*)\\s+(.*)$", Pattern.DOTALL);

  private final String expression;
  private final ZoneId zone;
  /** The cron rule, or {@code null} for {@code @every}. */
  private final ExecutionTime executionTime;
  /** The {@code @every} interval in seconds, or 0 for a cron rule. */
  private final long everySeconds;

  private CronSchedule(String expression, ZoneId zone, ExecutionTime executionTime, long everySeconds) {
    this.expression = expression;
    this.zone = zone;
    this.executionTime = executionTime;
    this.everySeconds = everySeconds;
  }

  /**
   * Parses a schedule; {@code null} or blank values take the defaults.
   *
   * @throws InvalidScheduleException naming {@code spec.schedule} or {@code spec.timeZone}
   */
  public static CronSchedule parse(String schedule, String timeZone) throws InvalidScheduleException {
    String expr = schedule == null || schedule.isBlank() ? DEFAULT_SCHEDULE : schedule.trim();
    ZoneId zone = zone(timeZone);
    String rule = expr;
    Matcher tz = TZ_PREFIX.matcher(expr);
    if (tz.matches()) {
      zone = prefixZone(expr, tz.group(1), tz.group(2));
      rule = tz.group(3).trim();
    } else if (expr.startsWith("CRON_TZ=") || expr.startsWith("TZ=")) {
      throw invalidCron(expr, "a " + expr.substring(0, expr.indexOf('=')) + "= prefix must be followed by a space "
          + "and the schedule");
    }
    if (rule.startsWith(EVERY)) {
      return new CronSchedule(expr, zone, null, everySeconds(expr, rule.substring(EVERY.length())));
    }
    String fields = rule.startsWith("@") ? descriptor(rule) : rule;
    if (fields.split("\\s+").length != 5) {
      throw invalidCron(expr, "expected 5 fields (minute hour day-of-month month day-of-week) or a descriptor"
          + " such as @hourly");
    }
    try {
      return new CronSchedule(expr, zone, ExecutionTime.forCron(PARSER.parse(fields)), 0);
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

  private static ZoneId prefixZone(String expr, String prefix, String name) throws InvalidScheduleException {
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      throw invalidCron(expr, prefix + "=" + name + " is not an IANA time zone (e.g. UTC, Europe/Berlin)");
    }
  }

  /** robfig's {@code Every}: whole seconds, at least one. */
  private static long everySeconds(String expr, String duration) throws InvalidScheduleException {
    Duration d;
    try {
      d = GoDuration.parse(duration.trim());
    } catch (IllegalArgumentException e) {
      throw invalidCron(expr, "@every needs a Go duration such as 6h or 90m: " + e.getMessage());
    }
    if (d.isNegative() || d.isZero()) {
      throw invalidCron(expr, "@every needs a duration greater than 0s");
    }
    return Math.max(1, d.getSeconds());
  }

  private static String descriptor(String expr) throws InvalidScheduleException {
    String fields = DESCRIPTORS.get(expr.toLowerCase(Locale.ROOT));
    if (fields == null) {
      throw invalidCron(expr, "unknown descriptor; use one of @yearly, @annually, @monthly, @weekly, @daily,"
          + " @midnight, @hourly, @every <duration>");
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
    if (executionTime == null) {
      return Optional.of(Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), everySeconds) * everySeconds
          + everySeconds));
    }
    return executionTime.nextExecution(ZonedDateTime.ofInstant(t, zone)).map(ZonedDateTime::toInstant);
  }

  /** The latest slot at or before {@code t}. */
  public Optional<Instant> lastAtOrBefore(Instant t) {
    if (executionTime == null) {
      return Optional.of(Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), everySeconds) * everySeconds));
    }
    ZonedDateTime at = ZonedDateTime.ofInstant(t, zone);
    if (executionTime.isMatch(at) && at.getSecond() == 0 && at.getNano() == 0) {
      return Optional.of(t);
    }
    return executionTime.lastExecution(at).map(ZonedDateTime::toInstant);
  }
}
