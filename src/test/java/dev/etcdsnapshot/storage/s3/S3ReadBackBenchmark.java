package dev.etcdsnapshot.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.testing.BenchmarkLog;
import dev.etcdsnapshot.testing.Measured;
import dev.etcdsnapshot.testing.Measured.Stats;
import dev.etcdsnapshot.testing.S3Server;
import dev.etcdsnapshot.testing.TestSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 9's figure: what the read-back adds to an upload of a 512 MiB snapshot, as a ratio against the upload
 * alone: per round, (upload + read-back) / upload of the same object, the median of the rounds; beside it the
 * ratio of the medians of separate uploads with and without it, which the machine's noise dominates. Both through the store's own uploader and client (16 MiB parts, 4 in flight) to the same S3Proxy
 * (filesystem backend, plain HTTP) in the same run, rounds alternating. Not a {@code *Test}: run it with
 * {@code bench/s3.sh readback}; a row is appended to {@code BENCHMARKS.md}.
 */
class S3ReadBackBenchmark {

  static final int OBJECT_MIB = Integer.getInteger("bench.objectMiB", 512);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  static final String BUCKET = "bench";

  @TempDir Path tmp;

  @Test
  void readBackAgainstTheUploadAlone() throws Exception {
    Path file = TestSnapshots.writeMiB(tmp.resolve("etcd-snapshot-bench-1796000000"), OBJECT_MIB, 1);
    long size = Files.size(file);
    List<Double> uploadOnly = new ArrayList<>();
    List<Double> withReadBack = new ArrayList<>();
    List<Double> readBackOnly = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    ExecutorService workers = Executors.newFixedThreadPool(8);
    try (S3Server server = S3Server.builder().filesystem().start()) {
      server.createBucket(BUCKET);
      S3Settings settings = S3Settings.fromSecret(server.secret(BUCKET));
      try (S3Client s3 = S3ClientFactory.create(settings, 16, List.of(), null)) {
        S3Uploader uploader = new S3Uploader(s3, BUCKET, new S3Failures(settings), workers, 16L << 20, 16L << 20,
            4, Duration.ofSeconds(30), Duration.ofHours(1));
        S3ReadBack readBack = new S3ReadBack(s3, BUCKET);
        for (int r = -2; r < ROUNDS; r++) { // two warm-up rounds
          String key = "round-" + r;
          long start = System.nanoTime();
          uploader.upload(key + "-a", file, size, "application/octet-stream", Map.of(), null);
          double alone = (System.nanoTime() - start) / 1e9;
          start = System.nanoTime();
          uploader.upload(key + "-b", file, size, "application/octet-stream", Map.of(), null);
          long uploaded = System.nanoTime();
          assertThat(readBack.mismatch(key + "-b", file, size, null)).isEmpty();
          long end = System.nanoTime();
          s3.deleteObject(d -> d.bucket(BUCKET).key(key + "-a"));
          s3.deleteObject(d -> d.bucket(BUCKET).key(key + "-b"));
          if (r >= 0) {
            uploadOnly.add(alone);
            withReadBack.add((end - start) / 1e9);
            readBackOnly.add((end - uploaded) / 1e6);
            ratios.add((end - start) / (double) (uploaded - start));
          }
        }
      }
    } finally {
      workers.shutdownNow();
    }
    Stats a = Stats.of(uploadOnly);
    Stats b = Stats.of(withReadBack);
    Stats rb = Stats.of(readBackOnly);
    BenchmarkLog.append("s3-read-back", List.of(String.join(" | ", "",
        Instant.now().truncatedTo(ChronoUnit.MINUTES).toString().replace(":00Z", "Z"),
        String.format("%.0f MiB, %d rounds", size / (double) (1L << 20), ROUNDS),
        a.format("%.2f") + " s", b.format("%.2f") + " s", rb.format("%.1f") + " ms",
        String.format("**%.4f×** (%.2f× across rounds)", Stats.of(ratios).median(), b.median() / a.median()),
        Measured.loadAverage(), "").trim()));
  }
}
