package dev.etcdsnapshot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionTest {

  private static StoredSnapshot snap(String name, long seconds) {
    return new StoredSnapshot(name, StorageKind.LOCAL, "file:///s/" + name, 10, Instant.ofEpochSecond(seconds), "n1",
        null, Map.of());
  }

  private static List<String> names(List<StoredSnapshot> snapshots) {
    return snapshots.stream().map(StoredSnapshot::fileName).toList();
  }

  @Test
  void keepsTheNewestNByTimeAndReturnsTheRestNewestFirst() {
    List<StoredSnapshot> all = List.of(
        snap("etcd-snapshot-a-100", 100), snap("etcd-snapshot-b-400", 400), snap("etcd-snapshot-a-300", 300),
        snap("etcd-snapshot-b-200", 200), snap("etcd-snapshot-a-500", 500));

    assertThat(names(Retention.toPrune(all, "etcd-snapshot", 2)))
        .containsExactly("etcd-snapshot-a-300", "etcd-snapshot-b-200", "etcd-snapshot-a-100");
  }

  @Test
  void prefixIsAPlainPrefixAcrossNodes() {
    List<StoredSnapshot> all = List.of(
        snap("etcd-snapshot-n1-1", 1), snap("etcd-snapshotfoo-n1-2", 2), snap("on-demand-n1-3", 3),
        snap("etcd-snapshot-n2-4", 4));

    assertThat(names(Retention.toPrune(all, "etcd-snapshot", 1)))
        .containsExactly("etcd-snapshotfoo-n1-2", "etcd-snapshot-n1-1");
  }

  @Test
  void retentionBelowOneKeepsEverything() {
    List<StoredSnapshot> all = List.of(snap("on-demand-n-1", 1), snap("on-demand-n-2", 2));
    assertThat(Retention.toPrune(all, "on-demand", 0)).isEmpty();
    assertThat(Retention.toPrune(all, "on-demand", -1)).isEmpty();
  }

  @Test
  void explicitPruneOfOnDemandWorks() {
    List<StoredSnapshot> all = List.of(snap("on-demand-n-1", 1), snap("on-demand-n-2", 2));
    assertThat(names(Retention.toPrune(all, "on-demand", 1))).containsExactly("on-demand-n-1");
  }

  @Test
  void savesNeverPruneOnDemandAutomatically() {
    List<StoredSnapshot> all = List.of(snap("on-demand-n-1", 1), snap("on-demand-n-2", 2), snap("on-n-3", 3),
        snap("on-n-4", 4));
    assertThat(Retention.toPruneAfterSave(all, "on-demand", 1)).isEmpty();
    assertThat(names(Retention.toPruneAfterSave(all, "on", 1))).containsExactly("on-n-3");
  }

  @Test
  void equalTimesAreOrderedByName() {
    List<StoredSnapshot> all = List.of(snap("etcd-snapshot-a-1", 1), snap("etcd-snapshot-c-1", 1),
        snap("etcd-snapshot-b-1", 1));
    assertThat(names(Retention.toPrune(all, "etcd-snapshot", 1)))
        .containsExactly("etcd-snapshot-b-1", "etcd-snapshot-a-1");
  }
}
