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

  /** robfig/cron v3 (k3s's parser, pkg/etcd/snapshot.go): "@every <duration>" is a descriptor of ParseStandard. */
  @Test
  void everyDurationIsAcceptedAsK3sCronAcceptsIt() throws Exception {
    CronSchedule s = CronSchedule.parse("@every 6h", "UTC");
    assertThat(s.nextAfter(Instant.parse("2026-05-13T10:20:00Z"))).contains(Instant.parse("2026-05-13T12:00:00Z"));
    assertThat(s.lastAtOrBefore(Instant.parse("2026-05-13T12:00:00Z"))).contains(Instant.parse("2026-05-13T12:00:00Z"));
    assertThat(s.lastAtOrBefore(Instant.parse("2026-05-13T17:59:59Z"))).contains(Instant.parse("2026-05-13T12:00:00Z"));
    assertThat(CronSchedule.parse("@every 1h30m", "UTC").nextAfter(Instant.parse("1970-01-01T00:00:00Z")))
        .contains(Instant.parse("1970-01-01T01:30:00Z"));
    assertThat(CronSchedule.parse("@every 500ms", "UTC").nextAfter(Instant.parse("2026-01-01T00:00:00Z")))
        .as("robfig rounds up to one second").contains(Instant.parse("2026-01-01T00:00:01Z"));
    assertThatThrownBy(() -> CronSchedule.parse("@every six hours", "UTC"))
        .hasMessageStartingWith("spec.schedule \"@every six hours\" is not a valid cron expression: @every needs a Go duration");
    assertThatThrownBy(() -> CronSchedule.parse("@every 0s", "UTC")).hasMessageContaining("greater than 0s");
  }

  /** robfig/cron v3: a CRON_TZ= (or TZ=) prefix sets the zone the rule is read in. */
  @Test
  void cronTzPrefixIsAcceptedAndWinsOverTheTimeZone() throws Exception {
    CronSchedule s = CronSchedule.parse("CRON_TZ=Europe/Berlin 0 3 * * *", "UTC");
    assertThat(s.zone().getId()).isEqualTo("Europe/Berlin");
    assertThat(s.expression()).isEqualTo("CRON_TZ=Europe/Berlin 0 3 * * *");
    assertThat(s.nextAfter(Instant.parse("2026-07-01T00:00:00Z"))).contains(Instant.parse("2026-07-01T01:00:00Z"));
    assertThat(CronSchedule.parse("TZ=America/New_York @daily", null).nextAfter(Instant.parse("2026-07-01T12:00:00Z")))
        .contains(Instant.parse("2026-07-02T04:00:00Z"));
    assertThatThrownBy(() -> CronSchedule.parse("CRON_TZ=Mars/Olympus 0 3 * * *", "UTC"))
        .hasMessageContaining("CRON_TZ=Mars/Olympus is not an IANA time zone");
    assertThatThrownBy(() -> CronSchedule.parse("CRON_TZ=UTC", "UTC")).hasMessageContaining("must be followed");
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
