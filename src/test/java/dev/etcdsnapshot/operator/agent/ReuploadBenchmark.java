package dev.etcdsnapshot.operator.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.RemoteCopy;
import dev.etcdsnapshot.engine.RetentionScope;
import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.engine.SnapshotReupload;
import dev.etcdsnapshot.operator.MutableClock;
import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import dev.etcdsnapshot.storage.s3.S3Settings;
import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import dev.etcdsnapshot.testing.BenchmarkLog;
import dev.etcdsnapshot.testing.Measured;
import dev.etcdsnapshot.testing.Measured.Stats;
import dev.etcdsnapshot.testing.S3Server;
import dev.etcdsnapshot.testing.TestSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's queue figure: draining 50 pending uploads the way {@link UploadRetrier} does (list the directory and
 * the S3 folder, {@link PendingUploads} picks what is due, {@link SnapshotReupload} uploads each under the node
 * lock after the trailer check and applies S3 retention) against uploading the same 50 files with the plain
 * upload path ({@code S3SnapshotStore.put}, as a save does), same S3Proxy, same run, alternating order.
 * Not a {@code *Test}: run it with {@code bench/reupload.sh}; rows are appended to {@code BENCHMARKS.md}.
 */
class ReuploadBenchmark {

  static final int SNAPSHOTS = Integer.getInteger("bench.snapshots", 50);
  static final int SNAPSHOT_MIB = Integer.getInteger("bench.snapshotMiB", 4);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  static final String BUCKET = "bench";
  static final String NODE = "bench";
  static final String PREFIX = "etcd-snapshot";

  @TempDir Path tmp;

  @Test
  void drainingThePendingQueueAgainstThePlainUploadPath() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("snapshots"));
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < SNAPSHOTS; i++) {
      files.add(TestSnapshots.writeMiB(dir.resolve(PREFIX + "-" + NODE + "-" + (1796000000L + 60L * i)),
          SNAPSHOT_MIB, i));
    }
    LocalSnapshotStore local = new LocalSnapshotStore(dir, false, NODE, SnapshotNames::parseTimestamp);
    List<Double> plain = new ArrayList<>();
    List<Double> queue = new ArrayList<>();
    try (S3Server server = S3Server.builder().filesystem().start()) {
      server.createBucket(BUCKET);
      for (int round = 0; round < ROUNDS; round++) {
        boolean plainFirst = round % 2 == 0;
        for (int leg = 0; leg < 2; leg++) {
          if ((leg == 0) == plainFirst) {
            plain.add(plainUploads(server, "plain-" + round, files));
          } else {
            queue.add(drain(server, "queue-" + round, local));
          }
        }
      }
    }
    Stats p = Stats.of(plain);
    Stats q = Stats.of(queue);
    BenchmarkLog.append("reupload", List.of(String.join(" | ", "", Instant.now().toString().substring(0, 16) + "Z",
        SNAPSHOTS + " × " + SNAPSHOT_MIB + " MiB", p.format("%.2f") + " s", q.format("%.2f") + " s",
        String.format("**%.2f×**", q.median() / p.median()), Measured.loadAverage(), "").strip()));
  }

  private static S3SnapshotStore store(S3Server server, String folder) {
    return S3SnapshotStore.builder(S3Settings.builder().secret(server.secret(BUCKET)).set(S3Settings.FOLDER, folder)
        .build()).build();
  }

  private static double plainUploads(S3Server server, String folder, List<Path> files) throws Exception {
    try (S3SnapshotStore store = store(server, folder)) {
      long start = System.nanoTime();
      for (Path file : files) {
        String name = file.getFileName().toString();
        store.put(file, new SnapshotMetadata(name, NODE, SnapshotNames.parseTimestamp(name).orElseThrow(), null,
            null, null, Map.of()));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(store.list()).hasSize(files.size());
      return seconds;
    }
  }

  /** What {@link UploadRetrier}'s check does for one schedule, repeated until nothing is pending. */
  private static double drain(S3Server server, String folder, LocalSnapshotStore local) throws Exception {
    try (S3SnapshotStore store = store(server, folder)) {
      MutableClock clock = new MutableClock(Instant.now());
      SnapshotReupload reupload = new SnapshotReupload(local, clock);
      RemoteCopy remote = new RemoteCopy(store, SNAPSHOTS, RetentionScope.NODE);
      PendingUploads uploads = new PendingUploads(clock);
      long start = System.nanoTime();
      List<StoredSnapshot> pending = PendingUploads.select(local.list(), store.list(), PREFIX, NODE, SNAPSHOTS,
          RetentionScope.NODE);
      assertThat(pending).as("every local snapshot is pending at first").hasSize(SNAPSHOTS);
      // Seen pending, each is first tried after PendingUploads.FIRST_RETRY; that wait is the backoff, not work.
      assertThat(uploads.due(pending)).isEmpty();
      clock.advance(PendingUploads.FIRST_RETRY);
      while (!pending.isEmpty()) {
        for (String fileName : uploads.due(pending)) {
          SaveResult result = reupload.upload(fileName, PREFIX, remote, null, null);
          assertThat(result.failures()).isEmpty();
          uploads.succeeded(fileName);
        }
        pending = PendingUploads.select(local.list(), store.list(), PREFIX, NODE, SNAPSHOTS, RetentionScope.NODE);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(store.list()).hasSize(SNAPSHOTS);
      return seconds;
    }
  }
}
