package dev.etcdsnapshot.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  @Test
  void defaultIsTwiceADayInUtc() throws Exception {
    CronSchedule s = CronSchedule.parse(null, null);
    assertThat(s.expression()).isEqualTo("0 */12 * * *");
    assertThat(s.zone().getId()).isEqualTo("UTC");
    assertThat(s.nextAfter(Instant.parse("2026-03-01T05:17:00Z"))).contains(Instant.parse("2026-03-01T12:00:00Z"));
    assertThat(s.nextAfter(Instant.parse("2026-03-01T12:00:00Z"))).contains(Instant.parse("2026-03-02T00:00:00Z"));
  }

  @Test
  void slotsFollowTheTimeZoneAcrossDaylightSaving() throws Exception {
    CronSchedule s = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
    // 2026-03-29: Berlin skips 02:00-03:00; 2:30 does not exist that day, so the next run is the day after.
    assertThat(s.nextAfter(Instant.parse("2026-03-27T12:00:00Z"))).contains(Instant.parse("2026-03-28T01:30:00Z"));
    assertThat(s.nextAfter(Instant.parse("2026-03-30T12:00:00Z"))).contains(Instant.parse("2026-03-31T00:30:00Z"));
  }

  @Test
  void descriptorsMeanWhatCronMeans() throws Exception {
    Instant t = Instant.parse("2026-05-13T10:20:00Z"); // a Wednesday
    assertThat(CronSchedule.parse("@hourly", "UTC").nextAfter(t)).contains(Instant.parse("2026-05-13T11:00:00Z"));
    assertThat(CronSchedule.parse("@daily", "UTC").nextAfter(t)).contains(Instant.parse("2026-05-14T00:00:00Z"));
    assertThat(CronSchedule.parse("@midnight", "UTC").nextAfter(t)).contains(Instant.parse("2026-05-14T00:00:00Z"));
    assertThat(CronSchedule.parse("@weekly", "UTC").nextAfter(t)).contains(Instant.parse("2026-05-17T00:00:00Z"));
    assertThat(CronSchedule.parse("@monthly", "UTC").nextAfter(t)).contains(Instant.parse("2026-06-01T00:00:00Z"));
    assertThat(CronSchedule.parse("@yearly", "UTC").nextAfter(t)).contains(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(CronSchedule.parse("@ANNUALLY", "UTC").nextAfter(t)).contains(Instant.parse("2027-01-01T00:00:00Z"));
  }

  @Test
  void lastAtOrBeforeIncludesAnExactSlot() throws Exception {
    CronSchedule s = CronSchedule.parse("*/15 * * * *", "UTC");
    assertThat(s.lastAtOrBefore(Instant.parse("2026-01-01T10:15:00Z"))).contains(Instant.parse("2026-01-01T10:15:00Z"));
    assertThat(s.lastAtOrBefore(Instant.parse("2026-01-01T10:29:59Z"))).contains(Instant.parse("2026-01-01T10:15:00Z"));
  }

  @Test
  void badCronNamesTheFieldAndTheValue() {
    assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", "UTC"))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessageStartingWith("spec.schedule \"61 * * * *\" is not a valid cron expression")
        .satisfies(e -> {
          assertThat(((InvalidScheduleException) e).field()).isEqualTo("spec.schedule");
          assertThat(((InvalidScheduleException) e).reason()).isEqualTo("InvalidSchedule");
        });
    assertThatThrownBy(() -> CronSchedule.parse("0 0 * *", "UTC")).hasMessageContaining("expected 5 fields");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 0 * * *", "UTC")).hasMessageContaining("expected 5 fields");
    assertThatThrownBy(() -> CronSchedule.parse("@fortnightly", "UTC")).hasMessageContaining("unknown descriptor");
    assertThatThrownBy(() -> CronSchedule.parse("every day", "UTC")).hasMessageContaining("spec.schedule");
  }

  @Test
  void badTimeZoneNamesTheField() {
    assertThatThrownBy(() -> CronSchedule.parse("@daily", "Mars/Olympus"))
        .isInstanceOf(InvalidScheduleException.class)
        .hasMessage("spec.timeZone \"Mars/Olympus\" is not an IANA time zone (e.g. UTC, Europe/Berlin)")
        .satisfies(e -> assertThat(((InvalidScheduleException) e).reason()).isEqualTo("InvalidTimeZone"));
  }
}
