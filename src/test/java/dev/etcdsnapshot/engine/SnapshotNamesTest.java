package dev.etcdsnapshot.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.storage.StorageKind;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotNamesTest {

  @ParameterizedTest(name = "{2}")
  @CsvSource({
      "k3s-server-1, file:///var/lib/rancher/k3s/server/db/snapshots/on-demand-k3s-server-1-1730308816, "
          + "local-on-demand-k3s-server-1-1730308816-3e9290",
      "s3, s3://etcd/k3s-test/on-demand-k3s-server-1-1730308816, s3-on-demand-k3s-server-1-1730308816-79b15c",
      "ip-10-11-0-14, file:///var/lib/rancher/k3s/server/db/snapshots/on-demand-ip-10-11-0-14-1753969041, "
          + "local-on-demand-ip-10-11-0-14-1753969041-9e8c6d",
      "k3s-server-001.example.com, "
          + "file:///var/lib/rancher/k3s/server/db/snapshots/etcd-snapshot-k3s-server-001.example.com-1783543141, "
          + "local-etcd-snapshot-k3s-server-001.example.com-1783543141-c777d8",
  })
  void objectNamesMatchK3sVectors(String node, String location, String expected) {
    StorageKind kind = location.startsWith("s3://") ? StorageKind.S3 : StorageKind.LOCAL;
    String fileName = location.substring(location.lastIndexOf('/') + 1);
    Instant created = SnapshotNames.parseTimestamp(fileName).orElseThrow();

    assertThat(SnapshotNames.objectName(kind, fileName, node, node, location, created)).isEqualTo(expected);
  }

  @Test
  void emptySourceNodeFallsBackToStorageNode() {
    String location = "s3://etcd/k3s-test/on-demand-k3s-server-1-1730308816";
    assertThat(SnapshotNames.objectName(StorageKind.S3, "on-demand-k3s-server-1-1730308816", "", "s3", location,
        Instant.ofEpochSecond(1730308816))).isEqualTo("s3-on-demand-k3s-server-1-1730308816-79b15c");
  }

  @Test
  void upperCaseNamesAreLowercased() {
    String name = SnapshotNames.objectName(StorageKind.LOCAL, "On-Demand-Node1-1700000000", "Node1", "Node1",
        "file:///x", Instant.ofEpochSecond(1700000000));
    assertThat(name).startsWith("local-on-demand-node1-1700000000-").hasSize("local-on-demand-node1-1700000000-".length() + 6);
  }

  @Test
  void invalidNamesFallBackToEtcdSnapshotShortNodeAndTime() {
    Instant created = Instant.ofEpochSecond(1700000000);
    String name = SnapshotNames.objectName(StorageKind.LOCAL, "my_snap-node1.example.com-1700000000.zip",
        "Node1.example.com", "Node1.example.com", "file:///x", created);
    // The fallback keeps the source node's case, as k3s does.
    assertThat(name).matches("local-etcd-snapshot-Node1-1700000000\\.zip-[0-9a-f]{6}");
  }

  @Test
  void namesTooLongForAnObjectFallBack() {
    String longName = "a".repeat(241);
    String name = SnapshotNames.objectName(StorageKind.S3, longName, "n1", "s3", "s3://b/" + longName,
        Instant.ofEpochSecond(5));
    assertThat(name).matches("s3-etcd-snapshot-n1-5-[0-9a-f]{6}");
    String fits = "a".repeat(240);
    assertThat(SnapshotNames.objectName(StorageKind.S3, fits, "n1", "s3", "s3://b/" + fits, Instant.ofEpochSecond(5)))
        .startsWith("s3-" + fits + "-");
  }

  @Test
  void legacyKeyReplacesOddCharactersWithoutLowercasing() {
    assertThat(SnapshotNames.legacyKey(StorageKind.LOCAL, "On-Demand_x-1.zip")).isEqualTo("local-On-Demand_x-1.zip");
    assertThat(SnapshotNames.legacyKey(StorageKind.S3, "a b:c/d")).isEqualTo("s3-a_b_c_d");
  }

  @Test
  void fileNameRoundsTheClockToTheNearestSecond() {
    Clock below = Clock.fixed(Instant.parse("2023-11-14T22:13:20.499Z"), ZoneOffset.UTC);
    Clock half = Clock.fixed(Instant.parse("2023-11-14T22:13:20.500Z"), ZoneOffset.UTC);
    assertThat(SnapshotNames.fileName("etcd-snapshot", "node1", below)).isEqualTo("etcd-snapshot-node1-1700000000");
    assertThat(SnapshotNames.fileName("etcd-snapshot", "node1", half)).isEqualTo("etcd-snapshot-node1-1700000001");
  }

  @ParameterizedTest
  @CsvSource({
      "etcd-snapshot-node1-1700000000, 1700000000",
      "etcd-snapshot-node1-1700000000.zip, 1700000000",
      "on-demand-ip-10-11-0-14-1753969041, 1753969041",
  })
  void timestampIsTheTextAfterTheLastDash(String fileName, long seconds) {
    assertThat(SnapshotNames.parseTimestamp(fileName)).contains(Instant.ofEpochSecond(seconds));
  }

  @ParameterizedTest
  @ValueSource(strings = {"snapshot", "etcd-snapshot-node1-", "etcd-snapshot-node1-17x", "db.zip.part", "a-1.5"})
  void fileNamesWithoutATimestampHaveNone(String fileName) {
    assertThat(SnapshotNames.parseTimestamp(fileName)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "/abs", "a/b", ".hidden", "..", "-x", "with space", "tab\tname", "", "ü"})
  void unsafePrefixesAreRefusedNamingTheField(String prefix) {
    assertThatThrownBy(() -> SnapshotNames.requireValidPrefix(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snapshot name");
    assertThatThrownBy(() -> SnapshotNames.requireValidNodeName(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node name");
  }

  @Test
  void overlongPartsAreRefused() {
    assertThatThrownBy(() -> SnapshotNames.fileName("p".repeat(200), "n", Instant.EPOCH))
        .hasMessageContaining("longer than");
  }

  @ParameterizedTest
  @ValueSource(strings = {"etcd-snapshot", "on-demand", "k3s-server-001.example.com", "Node_1"})
  void ordinaryNamesAreAccepted(String value) {
    SnapshotNames.requireValidPrefix(value);
    SnapshotNames.requireValidNodeName(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../etc/passwd", "/etc/passwd", "a/b", "..", "."})
  void fileNamesOutsideTheDirectoryAreRefused(String fileName) {
    assertThatThrownBy(() -> SnapshotNames.requireValidFileName(fileName))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid snapshot file name");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "etcd-snapshot-n1-1700000000, true",
      "etcd-snapshot-n1-1700000000.zip, true",
      "etcd-snapshot-n1-1, true",
      "etcd-snapshot-n1-, false",
      "etcd-snapshot-n1-17x, false",
      "etcd-snapshot-n1-1700000000.zip.part, false",
      "etcd-snapshot-n1-1700000000.part, false",
      "etcd-snapshot-n1x-1700000000, false",
      "etcd-snapshot-x-n1-1700000000, false",
      "etcd-snapshotfoo-n1-1700000000, false",
      "etcd-snapshot-n1-2-1700000000, false",
  })
  void aNodesSnapshotIsKnownByItsName(String fileName, boolean ofN1) {
    assertThat(SnapshotNames.isSnapshotOf(fileName, "etcd-snapshot", "n1")).isEqualTo(ofN1);
  }

  @Test
  void aNodeNameWithDashesIsMatchedWhole() {
    assertThat(SnapshotNames.isSnapshotOf("etcd-snapshot-n1-2-1700000000", "etcd-snapshot", "n1-2")).isTrue();
    assertThat(SnapshotNames.isSnapshotOf("etcd-snapshot-n1-2-1700000000", "etcd-snapshot", "2")).isFalse();
  }
}
