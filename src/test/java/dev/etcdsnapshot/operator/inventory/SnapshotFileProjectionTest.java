package dev.etcdsnapshot.operator.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.engine.SnapshotFailure;
import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.s3.S3StoreIdentity;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnapshotFileProjectionTest {

  static final String DIR = "file:///var/lib/rancher/k3s/server/db/snapshots/";
  final SnapshotFileProjection k3s = new SnapshotFileProjection(Flavor.K3S);
  final S3StoreIdentity store = new S3StoreIdentity("minio:9000", null, false, "etcd", null, "us-east-1", "k3s-test", true);

  static StoredSnapshot local(String node, String file, long size) {
    return new StoredSnapshot(file, StorageKind.LOCAL, DIR + file, size, Instant.ofEpochSecond(1730308816), node, null, Map.of());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "k3s-server-1, on-demand-k3s-server-1-1730308816, local-on-demand-k3s-server-1-1730308816-3e9290",
    "ip-10-11-0-14, on-demand-ip-10-11-0-14-1753969041, local-on-demand-ip-10-11-0-14-1753969041-9e8c6d",
    "k3s-server-001.example.com, etcd-snapshot-k3s-server-001.example.com-1783543141,"
        + " local-etcd-snapshot-k3s-server-001.example.com-1783543141-c777d8",
  })
  void localObjectsGetK3sNames(String node, String file, String expected) {
    EtcdSnapshotFile f = k3s.project(local(node, file, 100), new ProjectionContext(node, null, null, DeletionPolicy.RETAIN));
    assertThat(f.getMetadata().getName()).isEqualTo(expected);
    assertThat(f.getMetadata().getLabels()).containsExactly(Map.entry("etcd.k3s.cattle.io/snapshot-storage-node", node));
    assertThat(f.getSpec().getNodeName()).isEqualTo(node);
    assertThat(f.getSpec().getLocation()).isEqualTo(DIR + file);
    assertThat(f.getSpec().getS3()).isNull();
  }

  @Test
  void s3ObjectWithoutUploaderGetsK3sNameAndNodeS3() {
    StoredSnapshot s = new StoredSnapshot("on-demand-k3s-server-1-1730308816", StorageKind.S3,
        "s3://etcd/k3s-test/on-demand-k3s-server-1-1730308816", 4866080, Instant.ofEpochSecond(1730308816), null, null, Map.of());
    EtcdSnapshotFile f = k3s.project(s, new ProjectionContext(null, store, null, DeletionPolicy.RETAIN));
    assertThat(f.getMetadata().getName()).isEqualTo("s3-on-demand-k3s-server-1-1730308816-79b15c");
    assertThat(f.getMetadata().getLabels()).containsEntry("etcd.k3s.cattle.io/snapshot-storage-node", "s3");
    assertThat(f.getSpec().getNodeName()).isEqualTo("s3");
    assertThat(f.getSpec().getS3().getBucket()).isEqualTo("etcd");
    assertThat(f.getSpec().getS3().getPrefix()).isEqualTo("k3s-test");
    assertThat(f.getSpec().getS3().getEndpoint()).isEqualTo("minio:9000");
    assertThat(f.getSpec().getS3().getInsecure()).isTrue();
    assertThat(f.getSpec().getS3().getSkipSSLVerify()).as("omitempty, as k3s writes it").isNull();
    assertThat(f.getStatus().getSize().toString()).isEqualTo("4866080");
    assertThat(f.getStatus().getCreationTime()).isEqualTo("2024-10-30T17:20:16Z");
    assertThat(f.getStatus().getReadyToUse()).isTrue();
  }

  @Test
  void s3ObjectNamesAndNodeFollowTheUploader() {
    StoredSnapshot s = new StoredSnapshot("etcd-snapshot-n2-1700000000.zip", StorageKind.S3,
        "s3://etcd/k3s-test/etcd-snapshot-n2-1700000000.zip", 10, Instant.ofEpochSecond(1700000000), "n2", "0123456789ab", Map.of("a", "b"));
    EtcdSnapshotFile f = k3s.project(s, new ProjectionContext(null, store, null, DeletionPolicy.RETAIN));
    assertThat(f.getSpec().getNodeName()).isEqualTo("n2");
    assertThat(f.getMetadata().getName())
        .isEqualTo("s3-etcd-snapshot-n2-1700000000.zip-" + hex6("n2" + "s3://etcd/k3s-test/etcd-snapshot-n2-1700000000.zip"));
    assertThat(f.getMetadata().getAnnotations()).containsEntry("etcd.k3s.cattle.io/snapshot-token-hash", "0123456789ab");
    assertThat(f.getSpec().getMetadata()).containsExactly(Map.entry("a", "b"));
  }

  @Test
  void tokenHashOfTheSaveIsAnnotatedAndRediscoveredLocalFilesGetNone() {
    StoredSnapshot s = local("n1", "etcd-snapshot-n1-1730308816", 1);
    assertThat(k3s.project(s, ProjectionContext.save("n1", null, "abcdefabcdef", DeletionPolicy.RETAIN)).getMetadata().getAnnotations())
        .containsEntry(SnapshotLabels.tokenHashAnnotation(Flavor.K3S), "abcdefabcdef");
    assertThat(k3s.project(s, new ProjectionContext("n1", null, null, DeletionPolicy.RETAIN)).getMetadata().getAnnotations())
        .doesNotContainKey(SnapshotLabels.tokenHashAnnotation(Flavor.K3S));
  }

  @Test
  void rke2FlavourUsesRke2Keys() {
    EtcdSnapshotFile f = new SnapshotFileProjection(Flavor.RKE2)
        .project(local("n1", "etcd-snapshot-n1-1730308816", 1), ProjectionContext.save("n1", null, "abcdefabcdef", DeletionPolicy.RETAIN));
    assertThat(f.getMetadata().getLabels()).containsOnlyKeys("etcd.rke2.cattle.io/snapshot-storage-node");
    assertThat(f.getMetadata().getAnnotations()).containsKey("etcd.rke2.cattle.io/snapshot-token-hash");
    assertThat(f.getApiVersion()).isEqualTo("k3s.cattle.io/v1");
  }

  @Test
  void deletionPolicyIsAnnotatedAndDeleteAddsOurFinalizer() {
    StoredSnapshot s = local("n1", "etcd-snapshot-n1-1730308816", 1);
    EtcdSnapshotFile retain = k3s.project(s, ProjectionContext.save("n1", null, null, DeletionPolicy.RETAIN));
    EtcdSnapshotFile delete = k3s.project(s, ProjectionContext.save("n1", null, null, DeletionPolicy.DELETE));
    assertThat(retain.getMetadata().getAnnotations()).containsEntry("etcdsnapshot.dev/deletion-policy", "Retain");
    assertThat(retain.getMetadata().getFinalizers()).isNullOrEmpty();
    assertThat(delete.getMetadata().getAnnotations()).containsEntry("etcdsnapshot.dev/deletion-policy", "Delete");
    assertThat(delete.getMetadata().getFinalizers()).containsExactly("etcdsnapshot.dev/snapshot-data");
    assertThat(delete.getMetadata().getFinalizers()).doesNotContain(SnapshotLabels.K3S_FINALIZER);
  }

  @Test
  void failedLocalSaveIsARecordWithEmptyLocationAndTheNodeOnlyHash() {
    Instant t = Instant.parse("2026-11-22T10:00:00.750Z");
    SnapshotFailure failure = new SnapshotFailure(SnapshotFailure.Stage.SAVE, StorageKind.LOCAL,
        "etcd-snapshot-n1-1700000000", "", t, "context deadline exceeded");
    EtcdSnapshotFile f = k3s.projectFailure(failure, ProjectionContext.save("n1", null, null, DeletionPolicy.RETAIN));
    assertThat(f.getMetadata().getName()).isEqualTo("local-etcd-snapshot-n1-1700000000-" + hex6("n1"));
    assertThat(f.getSpec().getLocation()).isEmpty();
    assertThat(f.getSpec().getNodeName()).isEqualTo("n1");
    assertThat(f.getStatus().getReadyToUse()).isFalse();
    assertThat(f.getStatus().getSize().toString()).isEqualTo("0");
    assertThat(f.getStatus().getError().getTime()).isEqualTo("2026-11-22T10:00:00Z");
    assertThat(f.getStatus().getError().getMessage()).isEqualTo("context deadline exceeded");
    assertThat(f.getStatus().getCreationTime()).isEqualTo("2023-11-14T22:13:20Z");
  }

  @Test
  void failedUploadIsAnS3RecordOfTheStore() {
    SnapshotFailure failure = new SnapshotFailure(SnapshotFailure.Stage.UPLOAD, StorageKind.S3,
        "etcd-snapshot-n1-1700000000", "s3://etcd/k3s-test/etcd-snapshot-n1-1700000000", Instant.ofEpochSecond(1700000005), "503");
    EtcdSnapshotFile f = k3s.projectFailure(failure, ProjectionContext.save("n1", store, null, DeletionPolicy.RETAIN));
    assertThat(f.getMetadata().getName()).startsWith("s3-etcd-snapshot-n1-1700000000-");
    assertThat(f.getMetadata().getLabels()).containsEntry(SnapshotLabels.storageNodeLabel(Flavor.K3S), "s3");
    assertThat(store.holds(f.getSpec().getS3())).isTrue();
  }

  /** k3s pkg/etcd/s3/s3.go Upload: node s3, NodeSource the uploader, so the hash is of uploader + s3:// location. */
  @Test
  void failedUploadRecordIsNamedAsK3sNamesIt() {
    String location = "s3://etcd/k3s-test/etcd-snapshot-n1-1700000000.zip";
    SnapshotFailure failure = new SnapshotFailure(SnapshotFailure.Stage.UPLOAD, StorageKind.S3,
        "etcd-snapshot-n1-1700000000.zip", location, Instant.ofEpochSecond(1700000000),
        "failed to upload snapshot etcd-snapshot-n1-1700000000.zip: 503 Service Unavailable", "503 Service Unavailable");
    EtcdSnapshotFile f = k3s.projectFailure(failure, ProjectionContext.save("n1", store, null, DeletionPolicy.RETAIN));
    assertThat(f.getMetadata().getName()).isEqualTo("s3-etcd-snapshot-n1-1700000000.zip-" + hex6("n1" + location));
    assertThat(f.getSpec().getLocation()).isEqualTo(location);
    assertThat(f.getSpec().getNodeName()).isEqualTo("n1");
    assertThat(f.getStatus().getError().getMessage()).isEqualTo("503 Service Unavailable");
    assertThat(f.getStatus().getError().getTime()).isEqualTo("2023-11-14T22:13:20Z");
  }

  /** k3s pkg/etcd/snapshot.go: an S3 client that cannot be built is a record of node s3, empty location. */
  @Test
  void s3ClientFailureIsARecordOfNodeS3() {
    SnapshotFailure failure = new SnapshotFailure(SnapshotFailure.Stage.S3_CLIENT, StorageKind.S3,
        "etcd-snapshot-n1-1700000000.zip", "", Instant.ofEpochSecond(1700000000), "S3 copy not attempted: x",
        "failed to initialize S3 client: bucket etcd does not exist");
    EtcdSnapshotFile f = k3s.projectFailure(failure, ProjectionContext.save("n1", store, null, DeletionPolicy.RETAIN));
    assertThat(f.getMetadata().getName()).isEqualTo("s3-etcd-snapshot-n1-1700000000.zip-" + hex6("s3"));
    assertThat(f.getSpec().getNodeName()).isEqualTo("s3");
    assertThat(f.getSpec().getLocation()).isEmpty();
    assertThat(f.getMetadata().getLabels()).containsEntry(SnapshotLabels.storageNodeLabel(Flavor.K3S), "s3");
    assertThat(f.getStatus().getError().getMessage()).isEqualTo("failed to initialize S3 client: bucket etcd does not exist");
  }

  /** k3s pkg/etcd/snapshot/types.go: resource.NewQuantity(size, resource.DecimalSI), canonical on the wire. */
  @ParameterizedTest(name = "{0} bytes -> {1}")
  @CsvSource({"340000, 340k", "4866080, 4866080", "1048576, 1048576", "5062000, 5062k", "1000000, 1M",
      "2000000000, 2G", "0, 0", "999, 999", "1000, 1k", "1024, 1024"})
  void sizeIsTheCanonicalDecimalSiQuantity(long bytes, String expected) throws Exception {
    EtcdSnapshotFile f = k3s.project(local("n1", "etcd-snapshot-n1-1730308816", bytes),
        new ProjectionContext("n1", null, null, DeletionPolicy.RETAIN));
    String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(f);
    assertThat(json).contains("\"size\":\"" + expected + "\"");
  }

  /** k3s pkg/etcd/snapshot/types.go ToETCDSnapshotFile copies every S3 field but bucketLookup. */
  @Test
  void bucketLookupIsNeverWrittenAsK3sNeverWritesIt() {
    S3StoreIdentity dns = new S3StoreIdentity("minio:9000", null, false, "etcd", "dns", "us-east-1", "k3s-test", true);
    StoredSnapshot s = new StoredSnapshot("on-demand-n1-1730308816", StorageKind.S3,
        "s3://etcd/k3s-test/on-demand-n1-1730308816", 1, Instant.ofEpochSecond(1730308816), "n1", null, Map.of());
    assertThat(k3s.project(s, new ProjectionContext(null, dns, null, DeletionPolicy.RETAIN)).getSpec().getS3()
        .getBucketLookup()).isNull();
  }

  @Test
  void retentionFailuresHaveNoRecord() {
    SnapshotFailure failure = new SnapshotFailure(SnapshotFailure.Stage.RETENTION, StorageKind.LOCAL, "x", "", Instant.EPOCH, "m");
    assertThatThrownBy(() -> k3s.projectFailure(failure, ProjectionContext.save("n1", null, null, DeletionPolicy.RETAIN)))
        .hasMessageContaining("Node event");
  }

  @Test
  void namesThatAreNotDnsSubdomainsFallBackToK3sForm() {
    StoredSnapshot s = local("node1.example.com", "My_Snapshot-node1-1700000000.zip", 1);
    EtcdSnapshotFile f = k3s.project(s, new ProjectionContext("node1.example.com", null, null, DeletionPolicy.RETAIN));
    assertThat(f.getMetadata().getName()).isEqualTo(
        "local-etcd-snapshot-node1-1730308816.zip-" + hex6("node1.example.com" + DIR + "My_Snapshot-node1-1700000000.zip"));
    assertThat(f.getSpec().getSnapshotName()).isEqualTo("My_Snapshot-node1-1700000000.zip");
  }

  @Test
  void upperCaseNamesAreLowercased() {
    StoredSnapshot s = local("n1", "Nightly-n1-1700000000", 1);
    EtcdSnapshotFile f = k3s.project(s, new ProjectionContext("n1", null, null, DeletionPolicy.RETAIN));
    assertThat(f.getMetadata().getName()).isEqualTo("local-nightly-n1-1700000000-" + hex6("n1" + DIR + "Nightly-n1-1700000000"));
  }

  /** An independent oracle for the hash part of a name: first 6 hex of SHA-256. */
  static String hex6(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 6);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
