package dev.etcdsnapshot.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.engine.SnapshotFailure.Stage;
import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import dev.etcdsnapshot.engine.etcd.EtcdSnapshotSource;
import dev.etcdsnapshot.engine.file.SnapshotIntegrity;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import dev.etcdsnapshot.testing.EtcdCluster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine against a real single-member etcd: what lands on disk, and what never does. */
class SnapshotEngineIT {

  private static EtcdCluster etcd;

  @TempDir Path tmp;
  private Path dir;
  private EtcdSnapshotSource source;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdCluster.start(1);
    etcd.loadKeys(2_000, 1024);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createDirectory(tmp.resolve("snapshots"));
    source = EtcdSnapshotSource.forSingleEndpoint(EtcdConnectionSettings.of(etcd.member(0).clientUrl()));
  }

  @AfterEach
  void tearDown() {
    source.close();
  }

  private SnapshotEngine engine(SnapshotSource from, Instant now) {
    LocalSnapshotStore store = new LocalSnapshotStore(dir, false, "node1", SnapshotNames::parseTimestamp);
    return new SnapshotEngine(store, from, Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void savedSnapshotEqualsEtcdctlsFileAndIsPrivate() throws Exception {
    Path etcdctlFile = tmp.resolve("etcdctl.db");
    etcd.member(0).etcdctl("snapshot", "save", etcdctlFile.toString());

    SaveResult result = engine(source, Instant.parse("2026-11-22T10:00:00.600Z")).save(SaveRequest.of("on-demand"));

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(result.fileName()).isEqualTo("on-demand-node1-" + Instant.parse("2026-11-22T10:00:01Z").getEpochSecond());
    Path saved = dir.resolve(result.fileName());
    assertThat(Files.mismatch(saved, etcdctlFile)).isEqualTo(-1L);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved))).isEqualTo("rw-------");
    assertThat(listing()).containsExactly(result.fileName());
    assertThat(result.created()).singleElement().satisfies(s -> {
      assertThat(s.size()).isEqualTo(Files.size(saved));
      assertThat(s.location()).isEqualTo("file://" + saved);
    });
  }

  @Test
  void compressedSaveKeepsOnlyTheZipAndItVerifies() throws Exception {
    SaveRequest request = new SaveRequest(SnapshotTrigger.SCHEDULED,
        "etcd-snapshot", true, 0, Map.of("team", "infra"), null, null, Optional.empty());
    SaveResult result = engine(source, Instant.ofEpochSecond(1_700_000_000)).save(request);

    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    assertThat(listing()).containsExactly("etcd-snapshot-node1-1700000000.zip");
    Path zip = dir.resolve("etcd-snapshot-node1-1700000000.zip");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(zip))).isEqualTo("rw-------");
    assertThat(SnapshotIntegrity.verify(zip).ok()).isTrue();
    assertThat(Files.readString(tmp.resolve(".metadata/etcd-snapshot-node1-1700000000.zip")))
        .isEqualTo("{\"team\":\"infra\"}");
    assertThat(result.created().get(0).metadata()).containsEntry("team", "infra");
  }

  @Test
  void corruptStreamLeavesNothing() {
    SnapshotSource flipsOneByte = new SnapshotSource() {
      @Override
      public long writeTo(OutputStream out) throws IOException {
        return source.writeTo(new OutputStream() {
          long position;

          @Override
          public void write(int b) throws IOException {
            out.write(position++ == 4096 ? b ^ 0xff : b);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) {
              write(b[off + i]);
            }
          }
        });
      }

      @Override
      public String describe() {
        return source.describe();
      }
    };

    SaveResult result = engine(flipsOneByte, Instant.ofEpochSecond(1_700_000_000)).save(SaveRequest.of("on-demand"));

    assertThat(result.savedLocally()).isFalse();
    assertThat(result.failures()).singleElement().satisfies(f -> {
      assertThat(f.stage()).isEqualTo(Stage.SAVE);
      assertThat(f.message()).contains("corrupt snapshot stream").contains("expected sha256");
    });
    assertThat(listing()).isEmpty();
  }

  @Test
  void concurrentSaveOfTheSameNodeIsRefusedAndTheFirstIsIntact() throws Exception {
    CountDownLatch streaming = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SnapshotSource slow = new SnapshotSource() {
      @Override
      public long writeTo(OutputStream out) throws IOException {
        streaming.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        return source.writeTo(out);
      }

      @Override
      public String describe() {
        return source.describe();
      }
    };
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<SaveResult> first = pool.submit(() -> engine(slow, Instant.ofEpochSecond(1_700_000_000))
          .save(SaveRequest.of("on-demand")));
      streaming.await();
      assertThatThrownBy(() -> engine(source, Instant.ofEpochSecond(1_700_000_001)).save(SaveRequest.of("on-demand")))
          .isInstanceOf(SnapshotInProgressException.class)
          .hasMessage("snapshot save already in progress on node node1");
      release.countDown();
      assertThat(first.get().succeeded()).isTrue();
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
    assertThat(listing()).containsExactly("on-demand-node1-1700000000");
    assertThat(SnapshotIntegrity.verify(dir.resolve("on-demand-node1-1700000000")).ok()).isTrue();
  }

  @ParameterizedTest(name = "compress={0}")
  @ValueSource(booleans = {false, true})
  void etcdKilledAfterTheFirstChunkLeavesNoPartOrPartialFile(boolean compress) throws Exception {
    try (EtcdCluster doomed = EtcdCluster.start(1)) {
      // ~6 MB: far more than gRPC's 1 MiB flow-control window, so most of it is still in etcd when it dies.
      doomed.loadKeys(100, 64 * 1024);
      try (EtcdSnapshotSource real =
          EtcdSnapshotSource.forSingleEndpoint(EtcdConnectionSettings.of(doomed.member(0).clientUrl()))) {
        SnapshotSource killsEtcdMidStream = writingThrough(real, out -> new java.io.FilterOutputStream(out) {
          boolean killed;

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (!killed) {
              killed = true;
              try {
                doomed.member(0).kill();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            out.write(b, off, len);
          }
        });

        SaveResult result = engine(killsEtcdMidStream, Instant.ofEpochSecond(1_700_000_000))
            .save(new SaveRequest(SnapshotTrigger.ON_DEMAND,
                "on-demand", compress, 0, Map.of(), null, null, Optional.empty()));

        String file = "on-demand-node1-1700000000" + (compress ? ".zip" : "");
        assertThat(result.failures()).singleElement().satisfies(f -> {
          assertThat(f.stage()).isEqualTo(Stage.SAVE);
          assertThat(f.message()).startsWith("failed to save snapshot " + file + ": snapshot stream from "
              + real.describe() + " failed: ").doesNotContain("\n");
        });
      }
    }
    assertThat(listing()).isEmpty();
  }

  /** A disk that fills up mid-stream is reported as such, not as a lost connection to etcd. */
  @Test
  void aWriteThatFailsMidStreamIsReportedAsTheWriteFailure() throws Exception {
    try (EtcdCluster full = EtcdCluster.start(1)) {
      full.loadKeys(100, 64 * 1024);
      try (EtcdSnapshotSource real =
          EtcdSnapshotSource.forSingleEndpoint(EtcdConnectionSettings.of(full.member(0).clientUrl()))) {
        SnapshotSource diskFills = writingThrough(real, out -> new java.io.FilterOutputStream(out) {
          long written;

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (written > 1024 * 1024) {
              throw new IOException("No space left on device");
            }
            out.write(b, off, len);
            written += len;
          }
        });

        SaveResult result = engine(diskFills, Instant.ofEpochSecond(1_700_000_000)).save(SaveRequest.of("on-demand"));

        assertThat(result.failures()).singleElement().extracting(SnapshotFailure::message)
            .isEqualTo("failed to save snapshot on-demand-node1-1700000000: No space left on device");
      }
    }
    assertThat(listing()).isEmpty();
  }

  /** The real source, writing through {@code filter}: what the test does to the stream on its way to the file. */
  private static SnapshotSource writingThrough(EtcdSnapshotSource real,
      java.util.function.UnaryOperator<OutputStream> filter) {
    return new SnapshotSource() {
      @Override
      public long writeTo(OutputStream out) throws IOException {
        return real.writeTo(filter.apply(out));
      }

      @Override
      public String describe() {
        return real.describe();
      }
    };
  }

  @Test
  void unreachableEtcdIsOneClearFailureAndLeavesNothing() throws Exception {
    try (EtcdSnapshotSource nowhere = EtcdSnapshotSource.forSingleEndpoint(EtcdConnectionSettings.of("http://127.0.0.1:1"))) {
      SaveResult result = engine(nowhere, Instant.ofEpochSecond(1_700_000_000)).save(SaveRequest.of("on-demand"));
      assertThat(result.failures()).singleElement().satisfies(f -> {
        assertThat(f.stage()).isEqualTo(Stage.SAVE);
        assertThat(f.message()).contains("http://127.0.0.1:1").doesNotContain("\n");
      });
    }
    assertThat(listing()).isEmpty();
  }

  @Test
  void retentionAfterSavePrunesOldestOfThePrefixOnly() throws Exception {
    for (long t = 1_700_000_000; t < 1_700_000_004; t++) {
      SaveRequest scheduled = new SaveRequest(SnapshotTrigger.SCHEDULED,
          "etcd-snapshot", false, 2, Map.of(), null, null, Optional.empty());
      assertThat(engine(source, Instant.ofEpochSecond(t)).save(scheduled).succeeded()).isTrue();
    }
    Files.writeString(dir.resolve("on-demand-node1-1600000000"), "x");
    SaveRequest scheduled = new SaveRequest(SnapshotTrigger.SCHEDULED,
        "etcd-snapshot", false, 2, Map.of(), null, null, Optional.empty());
    SaveResult last = engine(source, Instant.ofEpochSecond(1_700_000_010)).save(scheduled);

    assertThat(last.pruned()).extracting(StoredSnapshot::fileName).containsExactly("etcd-snapshot-node1-1700000002");
    assertThat(listing()).containsExactly(
        "etcd-snapshot-node1-1700000003", "etcd-snapshot-node1-1700000010", "on-demand-node1-1600000000");
  }

  private List<String> listing() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
