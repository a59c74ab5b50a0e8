package dev.etcdsnapshot.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.engine.SnapshotFailure.Stage;
import dev.etcdsnapshot.engine.file.SnapshotIntegrityTestData;
import dev.etcdsnapshot.storage.PartCheck;
import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.storage.SnapshotStore;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The save pipeline's bookkeeping — upload, remote retention scopes, failure stages — with snapshot-shaped bytes
 * instead of etcd (the stream itself is covered against a real etcd in {@code SnapshotEngineIT}).
 */
class SnapshotEngineTest {

  private static final SnapshotSource BYTES = new SnapshotSource() {
    @Override
    public long writeTo(OutputStream out) throws IOException {
      try {
        byte[] bytes = SnapshotIntegrityTestData.snapshotBytes(2);
        out.write(bytes);
        return bytes.length;
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public String describe() {
      return "test bytes";
    }
  };

  @TempDir Path tmp;
  private Path dir;
  private RemoteFake remote;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createDirectory(tmp.resolve("snapshots"));
    remote = new RemoteFake(Files.createDirectory(tmp.resolve("remote")));
  }

  private SnapshotEngine engine(String node, long seconds) {
    LocalSnapshotStore store = new LocalSnapshotStore(dir, false, node, SnapshotNames::parseTimestamp);
    return new SnapshotEngine(store, BYTES, Clock.fixed(Instant.ofEpochSecond(seconds), ZoneOffset.UTC));
  }

  private static SaveRequest withRemote(String prefix, RemoteCopy copy) {
    return new SaveRequest(SnapshotTrigger.SCHEDULED,
        prefix, false, 0, Map.of(), "0123456789ab", "cluster-1", Optional.of(copy));
  }

  @Test
  void startOfSaveCleanupRemovesOnlyStalePartFilesOfThisNode() throws IOException {
    Instant now = Instant.ofEpochSecond(1_800_000_000L);
    Path stale = part("etcd-snapshot-n1-1799990000", now.minus(SnapshotEngine.STALE_PART_AGE).minusSeconds(1));
    Path staleZip = part("etcd-snapshot-n1-1799990001.zip", now.minusSeconds(7200));
    Path beingWritten = part("etcd-snapshot-n1-1799999990", now.minusSeconds(60)); // k3s or a download writing
    Path otherNode = part("etcd-snapshot-n2-1799990000", now.minusSeconds(7200));

    SaveResult result = engine("n1", now.getEpochSecond())
        .save(new SaveRequest(SnapshotTrigger.SCHEDULED,
            "etcd-snapshot", false, 0, Map.of(), "0123456789ab", "cluster-1", Optional.empty()));

    assertThat(result.succeeded()).isTrue();
    assertThat(stale).doesNotExist();
    assertThat(staleZip).doesNotExist();
    assertThat(beingWritten).hasContent("still writing");
    assertThat(otherNode).hasContent("still writing");
  }

  private Path part(String name, Instant modified) throws IOException {
    Path p = Files.writeString(dir.resolve(name + ".part"), "still writing");
    Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(modified));
    return p;
  }

  @Test
  void uploadsTheSavedFileWithItsMetadata() {
    SaveResult result = engine("n1", 100).save(withRemote("etcd-snapshot", new RemoteCopy(remote, 0, RetentionScope.NODE)));

    assertThat(result.succeeded()).isTrue();
    assertThat(result.created()).extracting(StoredSnapshot::kind).containsExactly(StorageKind.LOCAL, StorageKind.S3);
    assertThat(remote.puts).singleElement().satisfies(m -> {
      assertThat(m.fileName()).isEqualTo("etcd-snapshot-n1-100");
      assertThat(m.nodeName()).isEqualTo("n1");
      assertThat(m.tokenHash()).isEqualTo("0123456789ab");
      assertThat(m.clusterId()).isEqualTo("cluster-1");
      assertThat(m.createdAt()).isEqualTo(Instant.ofEpochSecond(100));
    });
  }

  /** The engine hashes what it writes, so the store need not read the file once more before uploading. */
  @Test
  void uploadCarriesTheSha256OfTheStoredFileRawAndZipped() throws Exception {
    engine("n1", 100).save(withRemote("etcd-snapshot", new RemoteCopy(remote, 0, RetentionScope.NODE)));
    engine("n1", 200).save(new SaveRequest(SnapshotTrigger.SCHEDULED, "etcd-snapshot", true, 0, Map.of(), null, null,
        Optional.of(new RemoteCopy(remote, 0, RetentionScope.NODE))));

    assertThat(remote.puts).extracting(SnapshotMetadata::sha256).containsExactly(
        sha256(dir.resolve("etcd-snapshot-n1-100")), sha256(dir.resolve("etcd-snapshot-n1-200.zip")));
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void aFailedUploadKeepsTheLocalSnapshot() {
    remote.failPuts = true;
    SaveResult result = engine("n1", 100).save(withRemote("etcd-snapshot", new RemoteCopy(remote, 0, RetentionScope.NODE)));

    assertThat(result.savedLocally()).isTrue();
    assertThat(result.succeeded()).isFalse();
    assertThat(result.failures()).singleElement().satisfies(f -> {
      assertThat(f.stage()).isEqualTo(Stage.UPLOAD);
      assertThat(f.kind()).isEqualTo(StorageKind.S3);
      assertThat(f.message()).isEqualTo("failed to upload snapshot etcd-snapshot-n1-100: bucket unavailable");
      // k3s's upload failure record (pkg/etcd/s3/s3.go Upload): the object's location, the bare cause, the
      // snapshot's time, so its name hash (node + location) is the one k3s computes.
      assertThat(f.location()).isEqualTo("s3://bucket/etcd-snapshot-n1-100");
      assertThat(f.cause()).isEqualTo("bucket unavailable");
      assertThat(f.time()).isEqualTo(Instant.ofEpochSecond(100));
    });
    assertThat(dir.resolve("etcd-snapshot-n1-100")).exists();
  }

  @Test
  void nodeScopedRemoteRetentionCountsOnlyThisNodesUploads() {
    engine("n2", 1).save(withRemote("etcd-snapshot", new RemoteCopy(remote, 1, RetentionScope.NODE)));
    engine("n1", 2).save(withRemote("etcd-snapshot", new RemoteCopy(remote, 1, RetentionScope.NODE)));
    SaveResult third = engine("n1", 3).save(withRemote("etcd-snapshot", new RemoteCopy(remote, 1, RetentionScope.NODE)));

    assertThat(third.pruned()).extracting(StoredSnapshot::fileName).containsExactly("etcd-snapshot-n1-2");
    assertThat(remote.names()).containsExactlyInAnyOrder("etcd-snapshot-n2-1", "etcd-snapshot-n1-3");
  }

  @Test
  void clusterScopedRemoteRetentionCountsEveryNode() {
    engine("n2", 1).save(withRemote("etcd-snapshot", new RemoteCopy(remote, 1, RetentionScope.CLUSTER)));
    SaveResult second = engine("n1", 2).save(withRemote("etcd-snapshot", new RemoteCopy(remote, 1, RetentionScope.CLUSTER)));

    assertThat(second.pruned()).extracting(StoredSnapshot::fileName).containsExactly("etcd-snapshot-n2-1");
    assertThat(remote.names()).containsExactly("etcd-snapshot-n1-2");
  }

  /** A snapshot the store could not find to delete is not reported pruned, by a save or by prune. */
  @Test
  void pruningReportsOnlyWhatTheStoreDeleted() throws Exception {
    engine("n1", 1).save(withRemote("etcd-snapshot", new RemoteCopy(remote, 0, RetentionScope.NODE)));
    remote.deletesFindNothing = true;
    SaveResult second = engine("n1", 2).save(withRemote("etcd-snapshot", new RemoteCopy(remote, 1, RetentionScope.NODE)));

    assertThat(second.pruned()).isEmpty();
    assertThat(second.succeeded()).isTrue();
    assertThat(SnapshotEngine.prune(remote, "etcd-snapshot", 1, RetentionScope.CLUSTER, "n1")).isEmpty();
    assertThat(SnapshotEngine.prune(remote, "etcd-snapshot", 1)).isEmpty();
    assertThat(remote.names()).containsExactlyInAnyOrder("etcd-snapshot-n1-1", "etcd-snapshot-n1-2");

    remote.deletesFindNothing = false;
    assertThat(SnapshotEngine.prune(remote, "etcd-snapshot", 1, RetentionScope.NODE, "n1"))
        .extracting(StoredSnapshot::fileName).containsExactly("etcd-snapshot-n1-1");
  }

  @Test
  void aFailedRetentionIsReportedAndTheSnapshotKept() {
    remote.failLists = true;
    SaveResult result = engine("n1", 5).save(withRemote("etcd-snapshot", new RemoteCopy(remote, 1, RetentionScope.NODE)));

    assertThat(result.savedLocally()).isTrue();
    assertThat(result.failures()).singleElement().satisfies(f -> {
      assertThat(f.stage()).isEqualTo(Stage.RETENTION);
      assertThat(f.message()).isEqualTo("failed to apply S3 snapshot retention policy: list refused");
      // The Node Event adds k3s's prefix (pkg/etcd/snapshot.go); the cause must not carry it a second time.
      assertThat(f.cause()).isEqualTo("list refused");
    });
  }

  /** An ETCDSnapshotRequest's save never prunes, whatever it is named and whatever retention reaches the engine. */
  @Test
  void onDemandRequestsNeverPruneWhateverTheirName() throws Exception {
    RemoteFake remote = new RemoteFake(Files.createDirectories(tmp.resolve("remote-od")));
    for (long t = 1; t <= 3; t++) {
      SaveRequest request = new SaveRequest(SnapshotTrigger.ON_DEMAND, "pre-upgrade", false, 1, Map.of(), null, null,
          Optional.of(new RemoteCopy(remote, 1, RetentionScope.NODE)));
      assertThat(engine("n1", t).save(request).pruned()).isEmpty();
    }
    assertThat(files()).hasSize(3);
    assertThat(remote.list()).hasSize(3);
  }

  /** The same name pruned when a schedule saves it: only the trigger differs. */
  @Test
  void aScheduledSaveOfTheSameNamePrunes() throws Exception {
    for (long t = 1; t <= 3; t++) {
      SaveRequest request = new SaveRequest(SnapshotTrigger.SCHEDULED, "pre-upgrade", false, 1, Map.of(), null, null,
          Optional.empty());
      engine("n1", t).save(request);
    }
    assertThat(files()).containsExactly("pre-upgrade-n1-3");
  }

  @Test
  void onDemandSavesNeverPruneEvenWithRetention() throws Exception {
    for (long t = 1; t <= 3; t++) {
      SaveRequest request = new SaveRequest(SnapshotTrigger.SCHEDULED,
          "on-demand", false, 1, Map.of(), null, null, Optional.empty());
      assertThat(engine("n1", t).save(request).pruned()).isEmpty();
    }
    assertThat(files()).hasSize(3);
  }

  @Test
  void aBadPrefixIsRefusedBeforeAnythingIsWritten() {
    assertThatThrownBy(() -> engine("n1", 1).save(SaveRequest.of("../escape")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid snapshot name \"../escape\"");
    assertThatThrownBy(() -> engine("a/b", 1).save(SaveRequest.of("on-demand")))
        .hasMessageStartingWith("invalid node name \"a/b\"");
    assertThat(files()).isEmpty();
    assertThat(tmp.resolve("escape-n1-1")).doesNotExist();
  }

  @Test
  void aMissingCustomDirectoryIsASaveFailure() {
    LocalSnapshotStore missing = new LocalSnapshotStore(tmp.resolve("gone"), false, "n1", SnapshotNames::parseTimestamp);
    SaveResult result = new SnapshotEngine(missing, BYTES, Clock.fixed(Instant.ofEpochSecond(9), ZoneOffset.UTC))
        .save(SaveRequest.of("on-demand"));

    assertThat(result.failures()).singleElement().satisfies(f -> {
      assertThat(f.stage()).isEqualTo(Stage.SAVE);
      assertThat(f.message()).isEqualTo("failed to save snapshot on-demand-n1-9: " + tmp.resolve("gone")
          + ": snapshot directory does not exist");
    });
    assertThat(tmp.resolve("gone")).doesNotExist();
  }

  @Test
  void aStreamWithoutTrailerLeavesNoPartFile() {
    SnapshotSource truncated = new SnapshotSource() {
      @Override
      public long writeTo(OutputStream out) throws IOException {
        out.write(new byte[1000]);
        return 1000;
      }

      @Override
      public String describe() {
        return "etcd at test";
      }
    };
    LocalSnapshotStore store = new LocalSnapshotStore(dir, false, "n1", SnapshotNames::parseTimestamp);
    SaveResult result = new SnapshotEngine(store, truncated, Clock.fixed(Instant.ofEpochSecond(9), ZoneOffset.UTC))
        .save(SaveRequest.of("on-demand"));

    assertThat(result.failures()).singleElement().extracting(SnapshotFailure::message).isEqualTo(
        "failed to save snapshot on-demand-n1-9: corrupt snapshot stream from etcd at test: "
            + "sha256 checksum not found [bytes: 1000]");
    assertThat(files()).isEmpty();
  }

  /** Compression reads behind the stream; when the stream breaks, neither the raw part nor the zip part stays. */
  @Test
  void aStreamThatBreaksWhileCompressingLeavesNothing() {
    SnapshotSource breaksMidway = new SnapshotSource() {
      @Override
      public long writeTo(OutputStream out) throws IOException {
        byte[] bytes = pages(512);
        out.write(bytes, 0, bytes.length / 2);
        throw new IOException("snapshot stream from etcd at test failed: connection reset");
      }

      @Override
      public String describe() {
        return "etcd at test";
      }
    };
    SaveResult result = new SnapshotEngine(store("n1"), breaksMidway, clockAt(9), 2)
        .save(new SaveRequest(SnapshotTrigger.ON_DEMAND, "on-demand", true, 0, Map.of(), null, null, Optional.empty()));

    assertThat(result.failures()).singleElement().satisfies(f -> {
      assertThat(f.message()).isEqualTo(
          "failed to save snapshot on-demand-n1-9.zip: snapshot stream from etcd at test failed: connection reset");
      // k3s's failure record of a compressed save (pkg/etcd/snapshot.go): the file the stream was to write, no
      // .zip, empty location, the snapshot's time, the bare cause.
      assertThat(f.fileName()).isEqualTo("on-demand-n1-9");
      assertThat(f.location()).isEmpty();
      assertThat(f.time()).isEqualTo(Instant.ofEpochSecond(9));
      assertThat(f.cause()).isEqualTo("snapshot stream from etcd at test failed: connection reset");
    });
    assertThat(files()).isEmpty();
  }

  @Test
  void aCompressedStreamWithoutTrailerLeavesNothing() {
    SnapshotSource noTrailer = new SnapshotSource() {
      @Override
      public long writeTo(OutputStream out) throws IOException {
        out.write(new byte[3 * 1024 * 1024]);
        return 3 * 1024 * 1024;
      }

      @Override
      public String describe() {
        return "etcd at test";
      }
    };
    SaveResult result = new SnapshotEngine(store("n1"), noTrailer, clockAt(9), 2)
        .save(new SaveRequest(SnapshotTrigger.ON_DEMAND, "on-demand", true, 0, Map.of(), null, null, Optional.empty()));

    assertThat(result.failures()).singleElement().extracting(SnapshotFailure::message).isEqualTo(
        "failed to save snapshot on-demand-n1-9.zip: corrupt snapshot stream from etcd at test: "
            + "sha256 checksum not found [bytes: 3145728]");
    assertThat(files()).isEmpty();
  }

  /** The zip holds exactly the streamed bytes, whether compression keeps up with the stream or falls behind. */
  @Test
  void aCompressedSaveHoldsExactlyTheStreamedBytes() throws Exception {
    byte[] bytes = pages(1024);
    SnapshotSource chunked = new SnapshotSource() {
      @Override
      public long writeTo(OutputStream out) throws IOException {
        for (int off = 0; off < bytes.length; off += 32 * 1024) {
          out.write(bytes, off, Math.min(32 * 1024, bytes.length - off));
        }
        return bytes.length;
      }

      @Override
      public String describe() {
        return "etcd at test";
      }
    };
    for (int threads : new int[] {1, 2}) {
      SaveResult result = new SnapshotEngine(store("n" + threads), chunked, clockAt(9), threads)
          .save(new SaveRequest(SnapshotTrigger.ON_DEMAND,
              "on-demand", true, 0, Map.of(), null, null, Optional.empty()));
      assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
      try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(dir.resolve(result.fileName()).toFile())) {
        assertThat(zip.getInputStream(zip.getEntry("on-demand-n" + threads + "-9")).readAllBytes())
            .isEqualTo(bytes);
      }
    }
    assertThat(files()).containsExactlyInAnyOrder("on-demand-n1-9.zip", "on-demand-n2-9.zip");
  }

  private static byte[] pages(int pages) {
    try {
      return SnapshotIntegrityTestData.snapshotBytes(pages);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private LocalSnapshotStore store(String node) {
    return new LocalSnapshotStore(dir, false, node, SnapshotNames::parseTimestamp);
  }

  private static Clock clockAt(long seconds) {
    return Clock.fixed(Instant.ofEpochSecond(seconds), ZoneOffset.UTC);
  }

  private List<String> files() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A remote store kept in a directory, reporting itself as S3, that can be told to fail. */
  private static final class RemoteFake implements SnapshotStore {
    private final LocalSnapshotStore files;
    private final Map<String, String> uploader = new java.util.HashMap<>();
    final List<SnapshotMetadata> puts = new ArrayList<>();
    boolean failPuts;
    boolean failLists;
    /** As an S3 object that is listed but not where delete looks for it (a nested key, say). */
    boolean deletesFindNothing;

    RemoteFake(Path dir) {
      this.files = new LocalSnapshotStore(dir, false, "unused", SnapshotNames::parseTimestamp);
    }

    @Override
    public StorageKind kind() {
      return StorageKind.S3;
    }

    @Override
    public List<StoredSnapshot> list() throws IOException {
      if (failLists) {
        throw new IOException("list refused");
      }
      return files.list().stream().map(s -> new StoredSnapshot(s.fileName(), StorageKind.S3,
          "s3://bucket/" + s.fileName(), s.size(), s.createdAt(), uploader.get(s.fileName()), null, Map.of()))
          .toList();
    }

    @Override
    public StoredSnapshot put(Path file, SnapshotMetadata metadata) throws IOException {
      if (failPuts) {
        throw new IOException("bucket unavailable");
      }
      puts.add(metadata);
      uploader.put(metadata.fileName(), metadata.nodeName());
      Files.copy(file, files.pathOf(metadata.fileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      files.writeMetadata(metadata.fileName(), metadata.extra());
      StoredSnapshot local = files.find(metadata.fileName()).orElseThrow();
      return new StoredSnapshot(local.fileName(), StorageKind.S3, "s3://bucket/" + local.fileName(), local.size(),
          local.createdAt(), metadata.nodeName(), metadata.tokenHash(), Map.of());
    }

    @Override
    public Path download(String fileName, Path dir, PartCheck check) {
      throw new UnsupportedOperationException("the engine's save never downloads");
    }

    @Override
    public String locationOf(String fileName) {
      return "s3://bucket/" + fileName;
    }

    @Override
    public InputStream open(String fileName) throws IOException {
      return files.open(fileName);
    }

    @Override
    public boolean delete(String fileName) throws IOException {
      return !deletesFindNothing && files.delete(fileName);
    }

    List<String> names() {
      try {
        return list().stream().map(StoredSnapshot::fileName).toList();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
