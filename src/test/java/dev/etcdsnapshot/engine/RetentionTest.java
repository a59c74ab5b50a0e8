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

  private static StoredSnapshot object(String name, long nameTime, long lastModified) {
    return new StoredSnapshot(name, StorageKind.S3, "s3://b/" + name, 10, Instant.ofEpochSecond(nameTime),
        Instant.ofEpochSecond(lastModified), null, null, Map.of());
  }

  /** Per node: the objects named after the node, by the time in the name; the uploader is not consulted. */
  @Test
  void s3NodeScopeCountsTheNodesNamesNewestByNameTime() {
    List<StoredSnapshot> all = List.of(
        object("etcd-snapshot-n1-100", 100, 900), object("etcd-snapshot-n1-300.zip", 300, 100),
        object("etcd-snapshot-n1-200", 200, 500), object("etcd-snapshot-n1x-400", 400, 400),
        object("etcd-snapshot-n2-500", 500, 500), object("etcd-snapshotx-n1-600", 600, 600),
        object("etcd-snapshot-n1-7x", 700, 700));

    assertThat(names(Retention.toPrune(all, "etcd-snapshot", 1, RetentionScope.NODE, "n1")))
        .containsExactly("etcd-snapshot-n1-200", "etcd-snapshot-n1-100");
  }

  /** Per cluster, as k3s: every object with the prefix, newest by LastModified, whatever the name says. */
  @Test
  void s3ClusterScopeOrdersByLastModified() {
    List<StoredSnapshot> all = List.of(
        object("etcd-snapshot-n1-100", 100, 900), object("etcd-snapshot-n2-300", 300, 100),
        object("etcd-snapshotfoo-n3-200", 200, 500), object("on-demand-n1-999", 999, 999));

    assertThat(names(Retention.toPrune(all, "etcd-snapshot", 2, RetentionScope.CLUSTER, "n1")))
        .containsExactly("etcd-snapshot-n2-300");
    assertThat(names(Retention.toPrune(all, "etcd-snapshot", 1)))
        .as("local: by the name time").containsExactly("etcd-snapshotfoo-n3-200", "etcd-snapshot-n1-100");
  }

  @Test
  void savesNeverPruneOnDemandAutomaticallyInS3Either() {
    List<StoredSnapshot> all = List.of(object("on-demand-n1-1", 1, 1), object("on-demand-n1-2", 2, 2));
    for (RetentionScope scope : RetentionScope.values()) {
      assertThat(Retention.toPruneAfterSave(all, "on-demand", 1, scope, "n1")).isEmpty();
      assertThat(names(Retention.toPrune(all, "on-demand", 1, scope, "n1"))).containsExactly("on-demand-n1-1");
    }
  }

  @Test
  void objectsThatDoNotCountNeitherTakeAKeptSlotNorAreDeletedInsideTheWindow() throws Exception {
    List<StoredSnapshot> all = List.of(snap("etcd-snapshot-n1-100", 100), snap("etcd-snapshot-n1-200", 200),
        snap("etcd-snapshot-n1-300", 300), snap("etcd-snapshot-n1-400", 400), snap("etcd-snapshot-n2-500", 500));
    java.util.Set<String> bad = java.util.Set.of("etcd-snapshot-n1-400", "etcd-snapshot-n1-200");

    // Newest first: 400 does not count (stays), 300 counts (1), 200 does not count (stays), 100 counts (2).
    assertThat(names(Retention.toPrune(all, "etcd-snapshot", 2, RetentionScope.NODE, "n1",
        s -> !bad.contains(s.fileName())))).isEmpty();
    // With one kept: everything older than 300 goes, the bad 200 with it; the bad 400 stays.
    assertThat(names(Retention.toPrune(all, "etcd-snapshot", 1, RetentionScope.NODE, "n1",
        s -> !bad.contains(s.fileName())))).containsExactly("etcd-snapshot-n1-200", "etcd-snapshot-n1-100");
    // When everything counts, the plain rule.
    assertThat(names(Retention.toPrune(all, "etcd-snapshot", 1, RetentionScope.NODE, "n1", s -> true)))
        .isEqualTo(names(Retention.toPrune(all, "etcd-snapshot", 1, RetentionScope.NODE, "n1")));
  }
}
