package dev.etcdsnapshot.operator.schedule;

/**
 * A schedule's {@code spec.schedule} or {@code spec.timeZone} cannot be used; the message names the field and the
 * reason, so it can go into a condition and an Event as it is.
 */
public final class InvalidScheduleException extends Exception {

  private static final long serialVersionUID = 1L;

  /** The condition reason for a bad cron expression. */
  public static final String REASON_SCHEDULE = "InvalidSchedule";

  /** The condition reason for a bad time zone. */
  public static final String REASON_TIME_ZONE = "InvalidTimeZone";

  private final String field;
  private final String reason;

  InvalidScheduleException(String field, String reason, String message) {
    super(message);
    this.field = field;
    this.reason = reason;
  }

  /** The spec field at fault, e.g. {@code spec.timeZone}. */
  public String field() {
    return field;
  }

  /** {@link #REASON_SCHEDULE} or {@link #REASON_TIME_ZONE}. */
  public String reason() {
    return reason;
  }
}
