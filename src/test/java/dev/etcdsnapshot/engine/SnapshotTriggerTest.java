package dev.etcdsnapshot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one "on-demand snapshots are never pruned" rule, by trigger and by name. */
class SnapshotTriggerTest {

  @Test
  void onlyScheduledAndShellSavesOfAnotherNamePrune() {
    assertThat(SnapshotTrigger.SCHEDULED.prunesAfterSave("etcd-snapshot")).isTrue();
    assertThat(SnapshotTrigger.COMMAND.prunesAfterSave("etcd-snapshot")).isTrue();
    assertThat(SnapshotTrigger.ON_DEMAND.prunesAfterSave("etcd-snapshot")).isFalse();
    assertThat(SnapshotTrigger.SCHEDULED.prunesAfterSave("on-demand")).isFalse();
    assertThat(SnapshotTrigger.COMMAND.prunesAfterSave("on-demand-nightly")).isFalse();
  }

  @Test
  void theRetentionOfWhatIsNeverPrunedKeepsAll() {
    assertThat(SnapshotTrigger.SCHEDULED.retention("etcd-snapshot", 5)).isEqualTo(5);
    assertThat(SnapshotTrigger.ON_DEMAND.retention("etcd-snapshot", 5)).isZero();
    assertThat(SnapshotTrigger.SCHEDULED.retention("on-demand", 5)).isZero();
  }

  @Test
  void theMetricsLabelsStayAsTheyWere() {
    assertThat(SnapshotTrigger.SCHEDULED.label()).isEqualTo("scheduled");
    assertThat(SnapshotTrigger.ON_DEMAND.label()).isEqualTo("on-demand");
  }
}
