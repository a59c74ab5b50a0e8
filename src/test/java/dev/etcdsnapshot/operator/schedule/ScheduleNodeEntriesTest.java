package dev.etcdsnapshot.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.operator.agent.RunOutcome;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScheduleNodeEntriesTest {

  static final Instant SLOT = Instant.parse("2026-05-01T12:00:00Z");

  static EtcdSnapshotSchedule schedule() {
    EtcdSnapshotSchedule s = new EtcdSnapshotSchedule();
    s.setMetadata(new ObjectMetaBuilder().withName("s").withNamespace("ns").withGeneration(1L).build());
    return s;
  }

  static RunOutcome ok(String file) {
    return new RunOutcome(RunOutcome.Kind.SUCCEEDED, file, List.of("local-" + file + "-abc123"), "", Optional.empty());
  }

  @Test
  void aSlotIsClaimedOncePerNode() {
    EtcdSnapshotSchedule s = schedule();
    assertThat(ScheduleNodeEntries.claim(s, "a", SLOT, ScheduleNodeEntries.RUNNING, "pod-1")).isTrue();
    assertThat(ScheduleNodeEntries.claim(s, "a", SLOT, ScheduleNodeEntries.RUNNING, "pod-1")).isFalse();
    assertThat(ScheduleNodeEntries.claim(s, "a", SLOT.minusSeconds(3600), ScheduleNodeEntries.RUNNING, "pod-1"))
        .as("an older slot is never taken after a newer one").isFalse();
    assertThat(ScheduleNodeEntries.claim(s, "b", SLOT, ScheduleNodeEntries.RUNNING, "pod-1")).isTrue();
    assertThat(s.getStatus().getLastScheduleTime()).isEqualTo(SLOT.toString());
  }

  @Test
  void lastSuccessWaitsForEveryNodeOfTheSlot() {
    EtcdSnapshotSchedule s = schedule();
    ScheduleNodeEntries.claim(s, "a", SLOT, ScheduleNodeEntries.RUNNING, "pod-1");
    ScheduleNodeEntries.claim(s, "b", SLOT, ScheduleNodeEntries.RUNNING, "pod-1");
    ScheduleNodeEntries.recordOutcome(s, "a", SLOT, ok("f-a"), SLOT.plusSeconds(2));
    assertThat(s.getStatus().getLastSuccessTime()).isNull();
    assertThat(s.getStatus().getLastSnapshotNames()).containsExactly("local-f-a-abc123");
    ScheduleNodeEntries.recordOutcome(s, "b", SLOT, ok("f-b"), SLOT.plusSeconds(3));
    assertThat(s.getStatus().getLastSuccessTime()).isEqualTo(SLOT.plusSeconds(3).toString());
    assertThat(s.getStatus().getLastSnapshotNames()).containsExactly("local-f-a-abc123", "local-f-b-abc123");
  }

  @Test
  void failuresAndSkipsMakeTheScheduleDegraded() {
    EtcdSnapshotSchedule s = schedule();
    ScheduleNodeEntries.claim(s, "a", SLOT, ScheduleNodeEntries.RUNNING, "pod-1");
    ScheduleNodeEntries.recordOutcome(s, "a", SLOT, new RunOutcome(RunOutcome.Kind.FAILED, "f", List.of(),
        "failed to save snapshot f: etcd unreachable", Optional.empty()), SLOT.plusSeconds(1));
    assertThat(ScheduleConditions.refreshDegraded(s, SLOT)).isTrue();
    assertThat(s.getStatus().getConditions()).singleElement().satisfies(c -> {
      assertThat(c.getType()).isEqualTo("Degraded");
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("SnapshotFailed");
      assertThat(c.getMessage()).isEqualTo("node a: failed (failed to save snapshot f: etcd unreachable)");
    });
    assertThat(ScheduleConditions.refreshDegraded(s, SLOT.plusSeconds(5))).as("unchanged: no write").isFalse();

    Instant next = SLOT.plusSeconds(3600);
    ScheduleNodeEntries.claim(s, "a", next, ScheduleNodeEntries.RUNNING, "pod-1");
    ScheduleNodeEntries.recordOutcome(s, "a", next, ok("g"), next.plusSeconds(1));
    ScheduleConditions.refreshDegraded(s, next);
    assertThat(s.getStatus().getConditions()).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("SnapshotsSucceeded");
    });
  }

  @Test
  void aLostRunIsFailedOnlyWhileItIsStillThatSlotRunning() {
    EtcdSnapshotSchedule s = schedule();
    ScheduleNodeEntries.claim(s, "a", SLOT, ScheduleNodeEntries.RUNNING, "pod-1");
    assertThat(ScheduleNodeEntries.entry(s, "a").orElseThrow().getAgent()).isEqualTo("pod-1");
    assertThat(ScheduleNodeEntries.failLostRun(s, "a", SLOT.minusSeconds(60).toString(), "gone"))
        .as("another slot").isFalse();
    assertThat(ScheduleNodeEntries.failLostRun(s, "a", SLOT.toString(), "gone")).isTrue();
    assertThat(ScheduleNodeEntries.entry(s, "a").orElseThrow()).satisfies(e -> {
      assertThat(e.getPhase()).isEqualTo(ScheduleNodeEntries.FAILED);
      assertThat(e.getMessage()).isEqualTo("gone");
    });
    assertThat(ScheduleNodeEntries.failLostRun(s, "a", SLOT.toString(), "gone")).as("already failed").isFalse();
    assertThat(ScheduleNodeEntries.claim(s, "a", SLOT.plusSeconds(3600), ScheduleNodeEntries.RUNNING, "pod-2"))
        .as("the next slot proceeds").isTrue();
  }
}
