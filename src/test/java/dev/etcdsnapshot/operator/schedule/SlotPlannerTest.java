package dev.etcdsnapshot.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SlotPlannerTest {

  private static final Instant CREATED = Instant.parse("2026-01-01T09:40:00Z");

  @Test
  void nothingIsDueBeforeTheFirstSlotAfterCreation() throws Exception {
    CronSchedule hourly = CronSchedule.parse("@hourly", "UTC");
    SlotPlan plan = SlotPlanner.plan(hourly, CREATED, Instant.parse("2026-01-01T09:59:59Z"), false);
    assertThat(plan.due()).isEmpty();
    assertThat(plan.missed()).isEmpty();
    assertThat(plan.next()).contains(Instant.parse("2026-01-01T10:00:00Z"));
    assertThat(plan.waitFrom(Instant.parse("2026-01-01T09:59:59Z"), Duration.ofMinutes(5)))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void theSlotIsDueOnTimeAndOnlyOnce() throws Exception {
    CronSchedule hourly = CronSchedule.parse("@hourly", "UTC");
    Instant tick = Instant.parse("2026-01-01T10:00:00.005Z");
    assertThat(SlotPlanner.plan(hourly, CREATED, tick, false).due()).contains(Instant.parse("2026-01-01T10:00:00Z"));
    // Once claimed (since = the slot), the same slot is not due again.
    SlotPlan after = SlotPlanner.plan(hourly, Instant.parse("2026-01-01T10:00:00Z"), tick.plusSeconds(30), false);
    assertThat(after.due()).isEmpty();
    assertThat(after.next()).contains(Instant.parse("2026-01-01T11:00:00Z"));
  }

  @Test
  void aMissedSlotRunsOnceWithinTheDeadline() throws Exception {
    CronSchedule twiceDaily = CronSchedule.parse("0 */12 * * *", "UTC");
    Instant since = Instant.parse("2026-01-01T00:00:00Z");
    // The operator was down at 12:00 and starts at 12:59: within min(12h, 1h), so 12:00 runs now.
    SlotPlan late = SlotPlanner.plan(twiceDaily, since, Instant.parse("2026-01-01T12:59:00Z"), false);
    assertThat(late.due()).contains(Instant.parse("2026-01-01T12:00:00Z"));
    // At 13:01 it is too late: reported as missed, the next slot is midnight.
    SlotPlan tooLate = SlotPlanner.plan(twiceDaily, since, Instant.parse("2026-01-01T13:01:00Z"), false);
    assertThat(tooLate.due()).isEmpty();
    assertThat(tooLate.missed()).contains(Instant.parse("2026-01-01T12:00:00Z"));
    assertThat(tooLate.next()).contains(Instant.parse("2026-01-02T00:00:00Z"));
  }

  @Test
  void shortPeriodsUseThePeriodAsDeadlineAndOnlyTheLatestSlotRuns() throws Exception {
    CronSchedule every5 = CronSchedule.parse("*/5 * * * *", "UTC");
    Instant since = Instant.parse("2026-01-01T10:00:00Z");
    // Down from 10:00 to 10:27: slots 10:05..10:25 were missed; only 10:25 runs (once), no burst.
    SlotPlan plan = SlotPlanner.plan(every5, since, Instant.parse("2026-01-01T10:27:00Z"), false);
    assertThat(plan.due()).contains(Instant.parse("2026-01-01T10:25:00Z"));
    assertThat(SlotPlanner.startingDeadline(every5, Instant.parse("2026-01-01T10:25:00Z")))
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void suspendedSchedulesHaveNothingDueAndNoNextSlot() throws Exception {
    CronSchedule hourly = CronSchedule.parse("@hourly", "UTC");
    SlotPlan plan = SlotPlanner.plan(hourly, CREATED, Instant.parse("2026-01-01T10:00:01Z"), true);
    assertThat(plan.due()).isEmpty();
    assertThat(plan.next()).isEmpty();
    assertThat(plan.waitFrom(Instant.parse("2026-01-01T10:00:01Z"), Duration.ofMinutes(5)))
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void waitIsCappedSoAClockStepIsNoticed() throws Exception {
    CronSchedule yearly = CronSchedule.parse("@yearly", "UTC");
    Instant now = Instant.parse("2026-02-01T00:00:00Z");
    assertThat(SlotPlanner.plan(yearly, CREATED, now, false).waitFrom(now, Duration.ofMinutes(5)))
        .isEqualTo(Duration.ofMinutes(5));
  }
}
