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
 * S3 retention with three nodes' snapshots in one folder: per node (ours, the default) only the saving node's
 * snapshots count; per cluster (k3s) all of them; on-demand snapshots are never pruned by a save.
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
    try (S3SnapshotStore store = store("per-node")) {
      seedThreeNodes(store);
      SaveResult result = save(store, RetentionScope.NODE);

      assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
      Path local = tmp.resolve("snapshots").resolve(result.fileName());
      assertThat(server.client().headObject(h -> h.bucket(BUCKET).key("per-node/" + result.fileName())).metadata())
          .as("the SHA-256 the engine computed while writing").containsEntry(S3SnapshotStore.SHA256_METADATA,
              HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(local))));
      assertThat(result.pruned()).extracting(StoredSnapshot::fileName).contains(
          "etcd-snapshot-n1-1700000100", "etcd-snapshot-n1-1700000000");
      assertThat(names(store)).containsExactlyInAnyOrder(
          result.fileName(), "etcd-snapshot-n1-1700000200",
          "etcd-snapshot-n2-1700000000", "etcd-snapshot-n2-1700000100", "etcd-snapshot-n2-1700000200",
          "etcd-snapshot-n3-1700000000", "etcd-snapshot-n3-1700000100", "etcd-snapshot-n3-1700000200",
          "on-demand-n1-1600000000");
    }
  }

  @Test
  void clusterRetentionCountsEveryNodeAsK3sDoes() throws Exception {
    try (S3SnapshotStore store = store("cluster")) {
      seedThreeNodes(store);
      SaveResult result = save(store, RetentionScope.CLUSTER);

      assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
      // Newest first: the new one, then the 1700000200 of n3 (same time, names descending).
      assertThat(names(store)).containsExactlyInAnyOrder(
          result.fileName(), "etcd-snapshot-n3-1700000200", "on-demand-n1-1600000000");
    }
  }

  @Test
  void pruneWithoutASaveUsesTheSameScopes() throws Exception {
    try (S3SnapshotStore store = store("prune")) {
      seedThreeNodes(store);
      List<StoredSnapshot> pruned = SnapshotEngine.prune(ScopedStore.of(store, RetentionScope.NODE, "n2"),
          "etcd-snapshot", 1);
      assertThat(pruned).extracting(StoredSnapshot::fileName)
          .containsExactly("etcd-snapshot-n2-1700000100", "etcd-snapshot-n2-1700000000");
      assertThat(names(store)).hasSize(8);
      SnapshotEngine.prune(ScopedStore.of(store, RetentionScope.CLUSTER, "n2"), "etcd-snapshot", 1);
      assertThat(names(store)).containsExactlyInAnyOrder("etcd-snapshot-n3-1700000200", "on-demand-n1-1600000000");
    }
  }

  private SaveResult save(S3SnapshotStore store, RetentionScope scope) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("snapshots"));
    LocalSnapshotStore local = new LocalSnapshotStore(dir, false, "n1", SnapshotNames::parseTimestamp);
    try (EtcdSnapshotSource source =
        EtcdSnapshotSource.forSingleEndpoint(EtcdConnectionSettings.of(etcd.member(0).clientUrl()))) {
      SnapshotEngine engine = new SnapshotEngine(local, source, Clock.fixed(NOW, ZoneOffset.UTC));
      return engine.save(new SaveRequest("etcd-snapshot", false, 0, Map.of(), "0123456789ab", "uid-1",
          Optional.of(new RemoteCopy(store, 2, scope))));
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
    return S3SnapshotStore.open(S3Settings.builder().secret(server.secret(BUCKET)).set(S3Settings.FOLDER, folder)
        .build());
  }
}
