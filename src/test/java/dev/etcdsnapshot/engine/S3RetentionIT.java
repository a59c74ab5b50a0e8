package dev.etcdsnapshot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import dev.etcdsnapshot.engine.etcd.EtcdSnapshotSource;
import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import dev.etcdsnapshot.storage.s3.S3Settings;
import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.LogCapture;
import dev.etcdsnapshot.testing.RequestCounter;
import dev.etcdsnapshot.testing.S3Server;
import dev.etcdsnapshot.testing.TestSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 retention with three nodes' snapshots in one folder: per node (ours, the default) only the snapshots named
 * after the saving node count, newest by the name; per cluster (k3s) all of them, newest by LastModified;
 * on-demand snapshots are never pruned by a save. Retention costs one LIST and no HEAD per listed object.
 */
class S3RetentionIT {

  private static final String BUCKET = "snapshots";
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static S3Server server;
  private static EtcdCluster etcd;

  @TempDir Path tmp;
  private LogCapture logs;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.builder().start().createBucket(BUCKET);
    etcd = EtcdCluster.start(1);
    etcd.loadKeys(100, 256);
  }

  @AfterAll
  static void stop() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
    server.close();
  }

  @BeforeEach
  void captureLogs() {
    logs = LogCapture.start();
  }

  @AfterEach
  void noCredentialLogged() {
    logs.close();
    assertThat(logs.text()).doesNotContain(S3Server.ACCESS_KEY, S3Server.SECRET_KEY);
  }

  @Test
  void perNodeRetentionPrunesOnlyTheSavingNodesSnapshots() throws Exception {
    RequestCounter requests = new RequestCounter();
    try (S3SnapshotStore store = store("per-node", requests)) {
      seedThreeNodes(store);
      // Not n1's by name, whatever their metadata says: another prefix, another node whose name starts with n1.
      put(store, "etcd-snapshotx-n1-1600000000", "n1", 20);
      put(store, "etcd-snapshot-n1x-1600000000", "n1", 21);
      requests.reset();
      SaveResult result = save(store, RetentionScope.NODE);
      assertRetentionCost(requests, 2);

      assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
      Path local = tmp.resolve("snapshots").resolve(result.fileName());
      assertThat(server.client().headObject(h -> h.bucket(BUCKET).key("per-node/" + result.fileName())).metadata())
          .as("the SHA-256 the engine computed while writing").containsEntry(S3SnapshotStore.SHA256_METADATA,
              HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(local))));
      assertThat(result.pruned()).extracting(StoredSnapshot::fileName).containsExactly(
          "etcd-snapshot-n1-1700000100", "etcd-snapshot-n1-1700000000");
      assertThat(names(store)).containsExactlyInAnyOrder(
          result.fileName(), "etcd-snapshot-n1-1700000200",
          "etcd-snapshot-n2-1700000000", "etcd-snapshot-n2-1700000100", "etcd-snapshot-n2-1700000200",
          "etcd-snapshot-n3-1700000000", "etcd-snapshot-n3-1700000100", "etcd-snapshot-n3-1700000200",
          "on-demand-n1-1600000000", "etcd-snapshotx-n1-1600000000", "etcd-snapshot-n1x-1600000000");
    }
  }

  /**
   * k3s orders S3 retention by LastModified (k3s-compat §6.2), not by the time in the name: the object uploaded
   * first goes, although its name says it is the newest.
   */
  @Test
  void clusterRetentionCountsEveryNodeNewestUploadFirstAsK3sDoes() throws Exception {
    RequestCounter requests = new RequestCounter();
    try (S3SnapshotStore store = store("cluster", requests)) {
      put(store, "etcd-snapshot-n2-1900000000", "n2", 1);
      Thread.sleep(1100); // LastModified has a resolution of one second
      put(store, "etcd-snapshot-n3-1600000000", "n3", 2);
      Thread.sleep(1100);
      put(store, "etcd-snapshot-n1-1700000000", "n1", 3);
      put(store, "on-demand-n1-1600000000", "n1", 4);
      requests.reset();
      SaveResult result = save(store, RetentionScope.CLUSTER, 3);
      assertRetentionCost(requests, 1);

      assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
      assertThat(result.pruned()).extracting(StoredSnapshot::fileName).containsExactly("etcd-snapshot-n2-1900000000");
      assertThat(names(store)).containsExactlyInAnyOrder(result.fileName(), "etcd-snapshot-n1-1700000000",
          "etcd-snapshot-n3-1600000000", "on-demand-n1-1600000000");
      assertThat(store.list()).filteredOn(s -> s.fileName().equals("etcd-snapshot-n3-1600000000")).singleElement()
          .satisfies(s -> assertThat(s.createdAt()).as("shown: the time in the name")
              .isEqualTo(Instant.ofEpochSecond(1600000000)));
    }
  }

  @Test
  void pruneWithoutASaveUsesTheSameScopes() throws Exception {
    RequestCounter requests = new RequestCounter();
    try (S3SnapshotStore store = store("prune", requests)) {
      seedThreeNodes(store);
      requests.reset();
      List<StoredSnapshot> pruned = SnapshotEngine.prune(store, "etcd-snapshot", 1, RetentionScope.NODE, "n2");
      assertThat(pruned).extracting(StoredSnapshot::fileName)
          .containsExactly("etcd-snapshot-n2-1700000100", "etcd-snapshot-n2-1700000000");
      assertThat(requests.count("ListObjectsV2")).isEqualTo(1);
      assertThat(requests.count("HeadObject")).as("only the deletes' existence checks").isEqualTo(2 * 2);
      assertThat(names(store)).hasSize(8);
      SnapshotEngine.prune(store, "etcd-snapshot", 1, RetentionScope.CLUSTER, "n2");
      assertThat(names(store)).containsExactlyInAnyOrder("etcd-snapshot-n3-1700000200", "on-demand-n1-1600000000");
    }
  }

  /**
   * On-demand snapshots are never pruned by a save, even one named on-demand with an S3 retention; pruning them
   * takes an explicit prune with that prefix.
   */
  @Test
  void onDemandSnapshotsArePrunedOnlyWhenAsked() throws Exception {
    try (S3SnapshotStore store = store("on-demand")) {
      put(store, "on-demand-n1-1600000000", "n1", 1);
      put(store, "on-demand-n1-1600000100", "n1", 2);
      put(store, "on-demand-n2-1600000000", "n2", 3);
      for (RetentionScope scope : RetentionScope.values()) {
        SaveResult result = save(store, "on-demand", scope, 1);
        assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
        assertThat(result.pruned()).isEmpty();
      }
      List<String> saved = names(store).stream().filter(n -> n.startsWith("on-demand-n1-1795")).toList();
      assertThat(saved).hasSize(1); // both saves ran in the same (frozen) second
      assertThat(names(store)).hasSize(4);

      List<StoredSnapshot> pruned = SnapshotEngine.prune(store, "on-demand", 1, RetentionScope.NODE, "n1");
      assertThat(pruned).extracting(StoredSnapshot::fileName)
          .containsExactly("on-demand-n1-1600000100", "on-demand-n1-1600000000");
      assertThat(names(store)).containsExactlyInAnyOrder(saved.get(0), "on-demand-n2-1600000000");
    }
  }

  /**
   * A save's retention lists once and HEADs nothing but the keys it deletes (snapshot and sidecar); beside it the
   * upload's read-back costs one HEAD and one ranged GET (the trailer of a raw snapshot).
   */
  private static void assertRetentionCost(RequestCounter requests, int pruned) {
    assertThat(requests.count("ListObjectsV2")).as(requests.toString()).isEqualTo(1);
    assertThat(requests.count("HeadObject")).as(requests.toString()).isEqualTo(2 * pruned + 1);
    assertThat(requests.count("GetObject")).as(requests.toString()).isEqualTo(1);
  }

  private SaveResult save(S3SnapshotStore store, RetentionScope scope) throws Exception {
    return save(store, scope, 2);
  }

  private SaveResult save(S3SnapshotStore store, RetentionScope scope, int keep) throws Exception {
    return save(store, "etcd-snapshot", scope, keep);
  }

  private SaveResult save(S3SnapshotStore store, String prefix, RetentionScope scope, int keep) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("snapshots"));
    LocalSnapshotStore local = new LocalSnapshotStore(dir, false, "n1", SnapshotNames::parseTimestamp);
    try (EtcdSnapshotSource source =
        EtcdSnapshotSource.forSingleEndpoint(EtcdConnectionSettings.of(etcd.member(0).clientUrl()))) {
      SnapshotEngine engine = new SnapshotEngine(local, source, Clock.fixed(NOW, ZoneOffset.UTC));
      return engine.save(new SaveRequest(SnapshotTrigger.SCHEDULED, prefix, false, 0, Map.of(), "0123456789ab", "uid-1",
          Optional.of(new RemoteCopy(store, keep, scope))));
    }
  }

  /** Three scheduled snapshots for each of n1, n2, n3, and an old on-demand one of n1. */
  private void seedThreeNodes(S3SnapshotStore store) throws Exception {
    int seed = 0;
    for (String node : List.of("n1", "n2", "n3")) {
      for (long t : new long[] {1700000000, 1700000100, 1700000200}) {
        put(store, "etcd-snapshot-" + node + "-" + t, node, seed++);
      }
    }
    put(store, "on-demand-n1-1600000000", "n1", seed);
  }

  private void put(S3SnapshotStore store, String name, String node, int seed) throws Exception {
    Path file = TestSnapshots.write(tmp.resolve(name), 2, seed);
    store.put(file, new SnapshotMetadata(name, node, SnapshotNames.parseTimestamp(name).orElseThrow(), "uid-1",
        "0123456789ab", null, Map.of()));
    Files.delete(file);
  }

  private static List<String> names(S3SnapshotStore store) throws Exception {
    return store.list().stream().map(StoredSnapshot::fileName).toList();
  }

  private static S3SnapshotStore store(String folder) {
    return store(folder, new RequestCounter());
  }

  private static S3SnapshotStore store(String folder, RequestCounter requests) {
    return S3SnapshotStore.builder(S3Settings.builder().secret(server.secret(BUCKET)).set(S3Settings.FOLDER, folder)
        .build()).interceptor(requests).build();
  }
}
