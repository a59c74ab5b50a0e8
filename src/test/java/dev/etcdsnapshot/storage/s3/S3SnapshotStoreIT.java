package dev.etcdsnapshot.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.testing.GatedProxy;
import dev.etcdsnapshot.testing.LogCapture;
import dev.etcdsnapshot.testing.RequestCounter;
import dev.etcdsnapshot.testing.S3Server;
import dev.etcdsnapshot.testing.TestSnapshots;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The S3 store against a real S3 server (S3Proxy on loopback, plain HTTP, path style). */
class S3SnapshotStoreIT {

  private static final String BUCKET = "snapshots";
  private static S3Server server;

  @TempDir Path tmp;
  private LogCapture logs;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3Server.builder().start().createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void captureLogs() {
    logs = LogCapture.start();
  }

  @AfterEach
  void noCredentialLogged() {
    logs.close();
    assertThat(logs.text()).doesNotContain(S3Server.ACCESS_KEY).doesNotContain(S3Server.SECRET_KEY);
  }

  @Test
  void roundTripLooksLikeK3s() throws Exception {
    Path small = TestSnapshots.write(tmp.resolve("on-demand-node1-1700000000"), 8, 1);
    Path big = TestSnapshots.writeMiB(tmp.resolve("etcd-snapshot-node1-1700000100.zip"), 23, 2);
    try (S3SnapshotStore store = S3SnapshotStore.builder(settings("round/trip/"))
        .partSize(5L << 20).multipartThreshold(8L << 20).partsInFlight(1).progressEvery(Duration.ZERO).build()) {
      StoredSnapshot put = store.put(small, metadata("on-demand-node1-1700000000", "node1", Map.of("a", "b")));
      store.put(big, metadata("etcd-snapshot-node1-1700000100.zip", "node1", Map.of()));

      assertThat(put.location()).isEqualTo("s3://snapshots/round/trip/on-demand-node1-1700000000");
      HeadObjectResponse head = head("round/trip/on-demand-node1-1700000000");
      assertThat(head.contentType()).isEqualTo("application/octet-stream");
      assertThat(head.metadata()).containsEntry("k3s-cluster-id", "uid-1")
          .containsEntry("k3s-node-name", "node1").containsEntry("k3s-token-hash", "0123456789ab")
          .containsEntry(S3SnapshotStore.SHA256_METADATA, sha256(small));
      HeadObjectResponse bigHead = head("round/trip/etcd-snapshot-node1-1700000100.zip");
      assertThat(bigHead.contentType()).isEqualTo("application/zip");
      assertThat(bigHead.eTag()).as("uploaded in five 5 MiB parts").endsWith("-5\"");
      assertThat(bigHead.contentLength()).isEqualTo(Files.size(big));
      assertThat(logs.text()).contains("Uploading round/trip/etcd-snapshot-node1-1700000100.zip: 5242880 of "
          + Files.size(big) + " bytes (21%)");
      HeadObjectResponse side = head("round/trip/.metadata/on-demand-node1-1700000000");
      assertThat(side.contentType()).isEqualTo("application/json");
      assertThat(side.metadata()).containsEntry("k3s-node-name", "node1");
      assertThat(server.client().getObjectAsBytes(g -> g.bucket(BUCKET)
          .key("round/trip/.metadata/on-demand-node1-1700000000")).asUtf8String()).isEqualTo("{\"a\":\"b\"}");
      assertThatThrownBy(() -> head("round/trip/.metadata/etcd-snapshot-node1-1700000100.zip"))
          .as("no sidecar without extra metadata, as k3s").isInstanceOf(S3Exception.class);

      // Objects k3s would also list: a nested one, which we do not (it could not be deleted by its name), an
      // object of another folder sharing the folder's name as a prefix; and an empty one k3s skips too.
      putRaw("round/trip/sub/etcd-snapshot-node9-1700000200", "x".repeat(100), Map.of());
      putRaw("round/trip-other/etcd-snapshot-node9-1700000300", "x".repeat(100), Map.of());
      putRaw("round/trip/empty-object", "", Map.of());
      putRaw("round/trip/etcd-snapshot-node9-1700000400", "x".repeat(100), Map.of());

      List<StoredSnapshot> listed = store.listDetailed();
      assertThat(listed).extracting(StoredSnapshot::fileName).containsExactlyInAnyOrder(
          "on-demand-node1-1700000000", "etcd-snapshot-node1-1700000100.zip", "etcd-snapshot-node9-1700000400");
      StoredSnapshot first = find(listed, "on-demand-node1-1700000000");
      assertThat(first).isEqualTo(new StoredSnapshot("on-demand-node1-1700000000", StorageKind.S3,
          "s3://snapshots/round/trip/on-demand-node1-1700000000", Files.size(small),
          Instant.ofEpochSecond(1700000000), head("round/trip/on-demand-node1-1700000000").lastModified(),
          "node1", "0123456789ab", Map.of("a", "b")));
      StoredSnapshot foreign = find(listed, "etcd-snapshot-node9-1700000400");
      assertThat(foreign.nodeName()).as("no k3s metadata on it").isNull();
      assertThat(foreign.createdAt()).isEqualTo(Instant.ofEpochSecond(1700000400));
      assertThat(store.list()).as("the plain listing: no uploader, token hash or extra metadata")
          .extracting(StoredSnapshot::fileName, StoredSnapshot::nodeName, StoredSnapshot::tokenHash,
              StoredSnapshot::metadata)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("on-demand-node1-1700000000", null, null, Map.of()),
              org.assertj.core.groups.Tuple.tuple("etcd-snapshot-node1-1700000100.zip", null, null, Map.of()),
              org.assertj.core.groups.Tuple.tuple("etcd-snapshot-node9-1700000400", null, null, Map.of()));
      assertThat(store.delete("etcd-snapshot-node9-1700000400")).isTrue();

      try (InputStream in = store.open("etcd-snapshot-node1-1700000100.zip")) {
        assertThat(sha256(in)).isEqualTo(sha256(big));
      }
      Path dir = Files.createDirectories(tmp.resolve("restore/snapshots"));
      Path downloaded = store.download("on-demand-node1-1700000000", dir, part -> {});
      assertThat(downloaded).hasSameBinaryContentAs(small);
      assertThat(Files.getPosixFilePermissions(downloaded)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(tmp.resolve("restore/.metadata/on-demand-node1-1700000000")).hasContent("{\"a\":\"b\"}");
      assertThat(dir.resolve("on-demand-node1-1700000000.part")).doesNotExist();

      assertThat(store.delete("on-demand-node1-1700000000")).isTrue();
      assertThat(store.delete("on-demand-node1-1700000000")).isFalse();
      assertThat(store.delete("never-there")).isFalse();
      assertThatThrownBy(() -> head("round/trip/.metadata/on-demand-node1-1700000000"))
          .isInstanceOf(S3Exception.class);
      assertThat(store.list()).extracting(StoredSnapshot::fileName)
          .containsExactlyInAnyOrder("etcd-snapshot-node1-1700000100.zip");
      assertThatThrownBy(() -> store.open("on-demand-node1-1700000000")).isInstanceOf(NoSuchFileException.class);
      assertThatThrownBy(() -> store.download("gone", dir, part -> {})).isInstanceOf(NoSuchFileException.class);
      assertThat(dir.resolve("gone")).doesNotExist();
    }
  }

  @Test
  void rke2FlavourUsesRke2MetadataKeys() throws Exception {
    Path file = TestSnapshots.write(tmp.resolve("etcd-snapshot-srv-1700000300"), 4, 3);
    try (S3SnapshotStore store = S3SnapshotStore.builder(settings("rke2")).metadataPrefix("rke2").build()) {
      store.put(file, metadata("etcd-snapshot-srv-1700000300", "srv", Map.of()));
      assertThat(head("rke2/etcd-snapshot-srv-1700000300").metadata())
          .containsEntry("rke2-node-name", "srv").containsEntry("rke2-token-hash", "0123456789ab")
          .doesNotContainKey("k3s-node-name");
    }
    // Written by an RKE2 server, not by us: its node and token hash can only come from a HEAD.
    putRaw("rke2/etcd-snapshot-other-1700000400", "snapshot",
        Map.of("Rke2-Node-Name", "other", "Rke2-Token-Hash", "ba9876543210", "K3s-Node-Name", "wrong"));
    try (S3SnapshotStore fresh = S3SnapshotStore.builder(settings("rke2")).metadataPrefix("rke2").build()) {
      assertThat(fresh.listDetailed()).extracting(StoredSnapshot::fileName, StoredSnapshot::nodeName,
          StoredSnapshot::tokenHash).containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("etcd-snapshot-srv-1700000300", "srv", "0123456789ab"),
              org.assertj.core.groups.Tuple.tuple("etcd-snapshot-other-1700000400", "other", "ba9876543210"));
    }
  }

  /**
   * 10,000 objects. A plain listing (the CLI's ls table, prune, the retention after a save) costs its 10 LIST pages
   * and nothing else, every time. A detailed one (the operator's sync, ls -o json) costs 10,000 HEADs the first
   * time this process sees the folder (k3s: the same, on every listing), then, by any store instance, one HEAD per
   * new object; uploads cost none.
   */
  @Test
  void listingCostsItsPagesAndDetailsCostAHeadPerObjectOnce() throws Exception {
    int n = 10_000;
    String folder = "many";
    byte[] content = "snapshot".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < n; i++) {
      server.putDirect(BUCKET, folder + "/etcd-snapshot-node" + (i % 3) + "-" + (1700000000 + i), content,
          Map.of("k3s-node-name", "node" + (i % 3)));
    }
    RequestCounter counter = new RequestCounter();
    try (S3SnapshotStore store = S3SnapshotStore.builder(settings(folder)).interceptor(counter).build()) {
      for (int round = 0; round < 2; round++) {
        counter.reset();
        assertThat(store.list()).hasSize(n);
        assertThat(counter.count("ListObjectsV2")).isEqualTo(10);
        assertThat(counter.total()).as(counter.toString()).isEqualTo(10);
      }

      counter.reset();
      List<StoredSnapshot> first = store.listDetailed();
      assertThat(first).hasSize(n);
      assertThat(first).filteredOn(s -> "node2".equals(s.nodeName())).hasSize(n / 3);
      assertThat(counter.count("ListObjectsV2")).isEqualTo(10);
      assertThat(counter.count("HeadObject")).isEqualTo(n);

      counter.reset();
      assertThat(store.listDetailed()).hasSize(n);
      assertThat(counter.count("ListObjectsV2")).isEqualTo(10);
      assertThat(counter.count("HeadObject")).isZero();
    }
    RequestCounter fresh = new RequestCounter();
    try (S3SnapshotStore other = S3SnapshotStore.builder(settings(folder)).interceptor(fresh).build()) {
      assertThat(other.listDetailed()).hasSize(n);
      assertThat(fresh.count("HeadObject")).as("a store opened per operation, as the operator does").isZero();
    }
    try (S3SnapshotStore store = S3SnapshotStore.builder(settings(folder)).interceptor(counter).build()) {

      putRaw(folder + "/etcd-snapshot-node7-1800000000", "snapshot", Map.of("k3s-node-name", "node7"));
      store.put(TestSnapshots.write(tmp.resolve("etcd-snapshot-node8-1800000001"), 2, 4),
          metadata("etcd-snapshot-node8-1800000001", "node8", Map.of()));
      counter.reset();
      List<StoredSnapshot> third = store.listDetailed();
      assertThat(third).hasSize(n + 2);
      assertThat(counter.count("HeadObject")).as("only the object another writer added").isEqualTo(1);
      assertThat(find(third, "etcd-snapshot-node7-1800000000").nodeName()).isEqualTo("node7");
      assertThat(find(third, "etcd-snapshot-node8-1800000001").nodeName()).isEqualTo("node8");
    }
  }

  /**
   * k3s pkg/etcd/s3/s3.go ListSnapshots: a failed StatObject is a warning ("Failed to get object metadata") and the
   * object is still listed; one bad object must not cost the whole sync.
   */
  @Test
  void oneObjectsHeadErrorIsAWarningAndTheListingGoesOn() throws Exception {
    String folder = "head-error";
    putRaw(folder + "/etcd-snapshot-n1-1700000001", "snapshot", Map.of("k3s-node-name", "n1"));
    putRaw(folder + "/etcd-snapshot-n2-1700000002", "snapshot", Map.of("k3s-node-name", "n2"));
    software.amazon.awssdk.core.interceptor.ExecutionInterceptor headOfN2Fails =
        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
          @Override
          public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context.BeforeTransmission c,
              software.amazon.awssdk.core.interceptor.ExecutionAttributes a) {
            if (c.httpRequest().method().name().equals("HEAD") && c.httpRequest().encodedPath().endsWith("-n2-1700000002")) {
              throw software.amazon.awssdk.core.exception.SdkClientException.create("connection reset by peer");
            }
          }
        };
    try (S3SnapshotStore store = S3SnapshotStore.builder(settings(folder)).interceptor(headOfN2Fails).build()) {
      List<StoredSnapshot> listed = store.listDetailed();
      assertThat(listed).extracting(StoredSnapshot::fileName)
          .containsExactlyInAnyOrder("etcd-snapshot-n1-1700000001", "etcd-snapshot-n2-1700000002");
      assertThat(find(listed, "etcd-snapshot-n1-1700000001").nodeName()).isEqualTo("n1");
      assertThat(find(listed, "etcd-snapshot-n2-1700000002").nodeName()).as("its HEAD failed").isNull();
    }
    assertThat(logs.text()).contains("Failed to get object metadata of s3://" + BUCKET + "/" + folder
        + "/etcd-snapshot-n2-1700000002").contains("connection reset by peer");
    try (S3SnapshotStore store = S3SnapshotStore.builder(settings(folder)).build()) {
      assertThat(find(store.listDetailed(), "etcd-snapshot-n2-1700000002").nodeName())
          .as("a failed HEAD is not remembered").isEqualTo("n2");
    }
  }

  @Test
  void secretWithEveryKeyIncludingEmptyOnes() throws Exception {
    Map<String, String> secret = new LinkedHashMap<>(server.secret(BUCKET));
    secret.put("etcd-s3-endpoint-ca", "");
    secret.put("etcd-s3-endpoint-ca-name", "");
    secret.put("etcd-s3-skip-ssl-verify", "");
    secret.put("etcd-s3-session-token", "");
    secret.put("etcd-s3-bucket-lookup-type", "");
    secret.put("etcd-s3-region", "");
    secret.put("etcd-s3-folder", "cluster-a/");
    secret.put("etcd-s3-retention", "");
    secret.put("etcd-s3-proxy", "none");
    secret.put("etcd-s3-timeout", "");
    secret.put("etcd-s3-checksum", "");
    secret.put("not-an-s3-key", "ignored");
    S3Settings settings = S3Settings.fromSecret(secret);
    assertThat(settings.region()).isEqualTo("us-east-1");
    assertThat(settings.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.retention()).isEqualTo(5);
    assertThat(settings.retentionSet()).isFalse();
    assertThat(settings.pathStyle()).isTrue();
    assertThat(settings.proxyDisabled()).isTrue();
    Path file = TestSnapshots.write(tmp.resolve("on-demand-n1-1700000400"), 4, 5);
    try (S3SnapshotStore store = S3SnapshotStore.open(settings)) {
      store.put(file, metadata("on-demand-n1-1700000400", "n1", Map.of()));
      assertThat(store.list()).extracting(StoredSnapshot::location)
          .containsExactly("s3://snapshots/cluster-a/on-demand-n1-1700000400");
    }
  }

  /** Without an access key the AWS default chain is asked; here it finds the JVM's aws.* system properties. */
  @Test
  void noAccessKeyMeansTheAwsDefaultCredentialsChain() throws Exception {
    Map<String, String> secret = server.secret(BUCKET);
    secret.remove(S3Settings.ACCESS_KEY);
    secret.remove(S3Settings.SECRET_KEY);
    secret.put(S3Settings.FOLDER, "chain");
    S3Settings settings = S3Settings.fromSecret(secret);
    assertThat(settings.hasStaticCredentials()).isFalse();
    Path file = TestSnapshots.write(tmp.resolve("on-demand-n1-1700000500"), 4, 6);
    System.setProperty("aws.disableEc2Metadata", "true");
    try {
      try (S3SnapshotStore store = S3SnapshotStore.open(settings)) {
        assertThatThrownBy(store::list).as("nothing in the chain: anonymous, as k3s")
            .hasMessageContaining("AccessDenied");
      }
      System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
      System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
      try (S3SnapshotStore store = S3SnapshotStore.open(settings)) {
        store.put(file, metadata("on-demand-n1-1700000500", "n1", Map.of()));
        assertThat(store.list()).extracting(StoredSnapshot::fileName).containsExactly("on-demand-n1-1700000500");
      }
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
      System.clearProperty("aws.disableEc2Metadata");
    }
  }

  @Test
  void downloadIsPrivateWhateverTheUmaskAndRetriesABoundedNumberOfConnectionResets() throws Exception {
    Path snapshot = TestSnapshots.writeMiB(tmp.resolve("on-demand-node1-1700000500"), 3, 1);
    try (GatedProxy proxy = new GatedProxy(server.port());
        S3SnapshotStore store = S3SnapshotStore.builder(S3Settings.builder().secret(server.secret(BUCKET))
            .set(S3Settings.FOLDER, "resets").set(S3Settings.PROXY, proxy.url()).build()).build()) {
      store.put(snapshot, metadata("on-demand-node1-1700000500", "node1", Map.of()));

      // Directories the download creates are 0700 (the test's umask would give 0755), the file 0600.
      Path dir = tmp.resolve("fresh/snapshots");
      proxy.resetResponses(S3Downloads.ATTEMPTS - 1, 256 * 1024);
      Path downloaded = store.download("on-demand-node1-1700000500", dir, part -> {});
      assertThat(downloaded).hasSameBinaryContentAs(snapshot);
      assertThat(Files.getPosixFilePermissions(downloaded)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
      assertThat(Files.getPosixFilePermissions(dir.getParent()))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));

      Path other = Files.createDirectories(tmp.resolve("other"));
      proxy.resetResponses(100, 256 * 1024); // every connection, pooled ones included
      assertThatThrownBy(() -> store.download("on-demand-node1-1700000500", other, part -> {}))
          .hasMessageStartingWith("failed to download resets/on-demand-node1-1700000500 from bucket snapshots: "
              + "the connection broke off " + S3Downloads.ATTEMPTS + " times");
      try (var left = Files.list(other)) {
        assertThat(left).as("no .part, no partial snapshot").isEmpty();
      }
    }
  }

  static S3Settings settings(String folder) {
    return S3Settings.builder().secret(server.secret(BUCKET)).set(S3Settings.FOLDER, folder).build();
  }

  static SnapshotMetadata metadata(String fileName, String node, Map<String, String> extra) {
    return new SnapshotMetadata(fileName, node, S3Listing.nameTime(fileName).orElseThrow(), "uid-1",
        "0123456789ab", null, extra);
  }

  private static HeadObjectResponse head(String key) {
    return server.client().headObject(h -> h.bucket(BUCKET).key(key));
  }

  private static void putRaw(String key, String content, Map<String, String> meta) {
    server.client().putObject(p -> p.bucket(BUCKET).key(key).metadata(meta), RequestBody.fromString(content));
  }

  private static StoredSnapshot find(List<StoredSnapshot> list, String fileName) {
    return list.stream().filter(s -> s.fileName().equals(fileName)).findFirst().orElseThrow();
  }

  static String sha256(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    }
  }

  static String sha256(InputStream in) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) >= 0; ) {
      md.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
