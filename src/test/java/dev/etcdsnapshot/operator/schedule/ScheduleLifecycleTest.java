package dev.etcdsnapshot.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.operator.agent.RunOutcome;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The schedule-lifecycle rules on a status and a fixed clock: no API server, no etcd. */
class ScheduleLifecycleTest {

  static final Instant CREATED = Instant.parse("2026-05-01T11:30:00Z");
  static final Instant SLOT = Instant.parse("2026-05-01T12:00:00Z");
  static final CronSchedule HOURLY = cron("0 * * * *");

  static CronSchedule cron(String expression) {
    try {
      return CronSchedule.parse(expression, null);
    } catch (InvalidScheduleException e) {
      throw new AssertionError(e);
    }
  }

  static EtcdSnapshotSchedule schedule(boolean suspend) {
    EtcdSnapshotSchedule s = new EtcdSnapshotSchedule();
    s.setMetadata(new ObjectMetaBuilder().withName("s").withNamespace("ns").withUid("uid-1").withGeneration(1L)
        .withCreationTimestamp(CREATED.toString()).build());
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("0 * * * *");
    spec.setSuspend(suspend);
    s.setSpec(spec);
    return s;
  }

  static ScheduleLifecycle at(Instant now, String agent) {
    return new ScheduleLifecycle("node-a", agent, Clock.fixed(now, ZoneOffset.UTC));
  }

  static RunOutcome ok() {
    return new RunOutcome(RunOutcome.Kind.SUCCEEDED, "f", List.of("local-f-abc"), "", Optional.empty());
  }

  @Test
  void aDueSlotIsClaimedOnceAndRecordsThisPod() {
    EtcdSnapshotSchedule s = schedule(false);
    ScheduleLifecycle life = at(SLOT.plusMillis(5), "pod-1");
    SlotPlan plan = life.plan(s, HOURLY);
    assertThat(plan.due()).contains(SLOT);
    assertThat(plan.missed()).isEmpty();
    assertThat(life.claim(s, SLOT, ScheduleNodeEntries.RUNNING)).isTrue();
    assertThat(s.getStatus().getNodes().get(0).getAgent()).isEqualTo("pod-1");
    assertThat(s.getStatus().getNodes().get(0).getPhase()).isEqualTo(ScheduleNodeEntries.RUNNING);
    assertThat(life.plan(s, HOURLY).due()).as("a claimed slot is not due again").isEmpty();
  }

  @Test
  void aSlotAnotherAgentClaimedIsNotClaimedAgain() {
    EtcdSnapshotSchedule s = schedule(false);
    assertThat(at(SLOT, "pod-other").claim(s, SLOT, ScheduleNodeEntries.RUNNING)).isTrue();
    ScheduleLifecycle mine = at(SLOT.plusSeconds(1), "pod-1");
    assertThat(mine.claim(s, SLOT, ScheduleNodeEntries.RUNNING)).isFalse();
    assertThat(s.getStatus().getNodes().get(0).getAgent()).isEqualTo("pod-other");
    assertThat(mine.lostRun(s, () -> false).undecided())
        .as("a live claimant's run is looked at again, not failed").isTrue();
    assertThat(mine.lostRun(s, () -> true).failWhy()).get().asString().contains("pod-other", "is gone");
  }

  @Test
  void aSlotPastItsStartingDeadlineIsMissedNotRun() {
    EtcdSnapshotSchedule s = schedule(false);
    // The hourly slot's deadline is min(period, 1h) = 1h: at 12:59 it still runs, at 13:00:00.001 13:00 is due.
    assertThat(at(SLOT.plus(Duration.ofMinutes(59)), "pod-1").plan(s, HOURLY).due()).contains(SLOT);
    EtcdSnapshotSchedule every10 = schedule(false);
    CronSchedule tenMinutes = cron("*/10 * * * *");
    SlotPlan late = at(SLOT.plus(Duration.ofMinutes(10).plusSeconds(30)), "pod-1").plan(every10, tenMinutes);
    assertThat(late.due()).as("12:10 is within its 10 min deadline").contains(SLOT.plus(Duration.ofMinutes(10)));
    // A daily slot's deadline is 1 h: two hours late, 12:00 is reported missed and not run.
    SlotPlan missed = at(SLOT.plus(Duration.ofHours(2)), "pod-1").plan(schedule(false), cron("0 12 * * *"));
    assertThat(missed.due()).isEmpty();
    assertThat(missed.missed()).contains(SLOT);
  }

  @Test
  void anOwnRunningEntryWithoutAHeldOutcomeIsALostRunAfterARestart() {
    EtcdSnapshotSchedule s = schedule(false);
    ScheduleLifecycle before = at(SLOT, "pod-1");
    before.claim(s, SLOT, ScheduleNodeEntries.RUNNING);
    ScheduleLifecycle.Finished held = before.finished(s, SLOT, ok());
    assertThat(before.lostRun(s, () -> true).failWhy()).as("this process holds its outcome").isEmpty();
    assertThat(before.hasUnrecorded(s)).isTrue();

    ScheduleLifecycle restarted = at(SLOT.plusSeconds(30), "pod-1");
    Optional<String> why = restarted.lostRun(s, () -> false).failWhy();
    assertThat(why).get().asString().contains("restarted");
    assertThat(restarted.failLostRun(s, SLOT.toString(), why.get())).isTrue();
    assertThat(s.getStatus().getNodes().get(0).getPhase()).isEqualTo(ScheduleNodeEntries.FAILED);
    assertThat(before.applyOutcome(s, held)).isTrue();
  }

  @Test
  void anOwnRunStillGoingIsNotLostAndItsOutcomeIsHeldOnceItEnds() {
    EtcdSnapshotSchedule s = schedule(false);
    ScheduleLifecycle life = at(SLOT.plusSeconds(600), "pod-1");
    life.claim(s, SLOT, ScheduleNodeEntries.RUNNING);
    life.started(s, SLOT);
    assertThat(life.isRunning(s)).isTrue();
    assertThat(life.lostRun(s, () -> true).failWhy())
        .as("a save that runs for minutes on the runner's threads is not a lost run").isEmpty();
    assertThat(life.hasUnrecorded(s)).isFalse();

    ScheduleLifecycle.Finished done = life.finished(s, SLOT, ok());
    assertThat(life.isRunning(s)).isFalse();
    assertThat(life.unrecorded(s)).containsExactly(done);
    assertThat(life.lostRun(s, () -> true).failWhy()).as("its outcome is held").isEmpty();
    life.recorded(done);
    assertThat(life.lostRun(s, () -> true).failWhy())
        .as("neither running nor held: the entry is this pod's lost run").isPresent();
  }

  @Test
  void heldOutcomesAreReplayedOldestFirstUntilRecorded() {
    EtcdSnapshotSchedule s = schedule(false);
    ScheduleLifecycle life = at(SLOT.plusSeconds(3600), "pod-1");
    life.claim(s, SLOT, ScheduleNodeEntries.RUNNING);
    ScheduleLifecycle.Finished first = life.finished(s, SLOT, ok());
    ScheduleLifecycle.Finished second = life.finished(s, SLOT.plusSeconds(3600), ok());
    assertThat(life.unrecorded(s)).containsExactly(first, second);
    assertThat(life.applyOutcome(s, first)).isTrue();
    assertThat(s.getStatus().getNodes().get(0).getPhase()).isEqualTo(ScheduleNodeEntries.SUCCEEDED);
    life.recorded(first);
    assertThat(life.unrecorded(s)).containsExactly(second);
    life.recorded(second);
    assertThat(life.hasUnrecorded(s)).isFalse();
  }

  @Test
  void aSuspendedScheduleHasNothingDueAndNoNextSlot() {
    SlotPlan plan = at(SLOT.plusMillis(5), "pod-1").plan(schedule(true), HOURLY);
    assertThat(plan.due()).isEmpty();
    assertThat(plan.missed()).isEmpty();
    assertThat(plan.next()).isEmpty();
    assertThat(at(SLOT.plusMillis(5), "pod-1").plan(schedule(false), HOURLY).next()).contains(SLOT.plusSeconds(3600));
  }

  @Test
  void onlySelectedNodesTakePart() {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    assertThat(at(SLOT, "pod-1").selects(spec)).isTrue();
    spec.setNodes(List.of("node-b"));
    assertThat(at(SLOT, "pod-1").selects(spec)).isFalse();
    spec.setNodes(List.of("node-a", "node-b"));
    assertThat(at(SLOT, "pod-1").selects(spec)).isTrue();
  }
}
