package dev.etcdsnapshot.engine.content;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcdsnapshot.engine.ContentProof;
import dev.etcdsnapshot.engine.ContentVerifier;
import dev.etcdsnapshot.engine.SaveRequest;
import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import dev.etcdsnapshot.engine.etcd.EtcdSnapshotSource;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import dev.etcdsnapshot.testing.BenchmarkLog;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.EtcdLoad;
import dev.etcdsnapshot.testing.Measured;
import dev.etcdsnapshot.testing.Measured.Run;
import dev.etcdsnapshot.testing.Measured.Stats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's figures, in one run against one etcd member: {@code inspect} of a large snapshot in a fresh JVM with
 * {@code -Xmx64m}, through {@code bin/etcd-snapshot-operator} (the launcher a user runs) and plain {@code java -jar},
 * against {@code etcdctl snapshot status} of the same file (wall time, interleaved rounds after both have read the
 * file once, so the page cache is warm for both; and the same hash, revision and key count), and the content proof's time against the save's own (both in this warm JVM, interleaved). Not a
 * {@code *Test}: run it with {@code bench/content.sh}; rows are appended to {@code BENCHMARKS.md}.
 */
class ContentBenchmark {

  static final int DB_MIB = Integer.getInteger("bench.dbMiB", 400);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  static final Path JAR = Path.of("target/etcd-snapshot-operator.jar");
  static final Path CDS = Path.of("bench/work/cds");
  /** {@code -Dbench.keep=PATH}: where the measured snapshot is copied after the rounds, to time a command by hand. */
  static final String KEEP = System.getProperty("bench.keep", "");

  @TempDir Path tmp;

  @Test
  void inspectAndContentProof() throws Exception {
    Measured.requireGnuTime();
    assertThat(JAR).as("build the jar first: mvn -B -DskipTests package").exists();
    try (EtcdCluster cluster = EtcdCluster.start(1)) {
      String endpoint = cluster.member(0).clientUrl();
      long db = EtcdLoad.fill(endpoint, DB_MIB * (1L << 20));
      Path dir = Files.createDirectory(tmp.resolve("snapshots"));
      LocalSnapshotStore store = new LocalSnapshotStore(dir, false, "bench", SnapshotNames::parseTimestamp);
      try (EtcdSnapshotSource source = EtcdSnapshotSource.forSingleEndpoint(EtcdConnectionSettings.of(endpoint))) {
        SnapshotEngine engine = new SnapshotEngine(store, source, Clock.systemUTC());
        ContentVerifier verifier = new ContentVerifier(Clock.systemUTC(), tmp);
        Path kept = save(engine, dir, "kept");
        long fileSize = Files.size(kept);
        boolean same = sameFiguresAsEtcdctl(kept);
        for (int i = 0; i < 2; i++) { // warm-up of both paths
          Path file = save(engine, dir, "warm");
          prove(verifier, file, source);
          Files.delete(file);
        }
        launcher(kept); // writes the launcher's class-data-sharing archive for inspect; both have read the file
        List<Double> etcdctl = new ArrayList<>();
        List<Double> viaLauncher = new ArrayList<>();
        List<Double> inspect = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        List<Double> saves = new ArrayList<>();
        List<Double> proofs = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
          etcdctl.add(etcdctlStatus(kept).seconds());
          Run run = launcher(kept);
          viaLauncher.add(run.seconds());
          rss.add(run.maxRssMiB());
          inspect.add(inspect(kept).seconds());
          long start = System.nanoTime();
          Path file = save(engine, dir, "round");
          saves.add((System.nanoTime() - start) / 1e9);
          proofs.add(prove(verifier, file, source));
          Files.delete(file);
        }
        if (!KEEP.isEmpty()) {
          Files.copy(kept, Path.of(KEEP), StandardCopyOption.REPLACE_EXISTING);
        }
        report(fileSize, db, same, Stats.of(etcdctl), Stats.of(viaLauncher), Stats.of(inspect), Stats.of(rss), Stats.of(saves),
            Stats.of(proofs));
      }
    }
  }

  private static Path save(SnapshotEngine engine, Path dir, String name) throws Exception {
    SaveResult result = engine.save(SaveRequest.of(name));
    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    return dir.resolve(result.fileName());
  }

  /**
   * Seconds for the proof of {@code file} just saved, which must come out verified: {@code proveSaved}, as the
   * agent runs it after each save (the save has checked the trailer; the proof reads the structure and the KV hash).
   */
  private static double prove(ContentVerifier verifier, Path file, EtcdSnapshotSource member) {
    long start = System.nanoTime();
    ContentProof proof = verifier.proveSaved(file, member);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(proof.outcome()).as(proof.message()).isEqualTo(ContentProof.Outcome.VERIFIED);
    return seconds;
  }

  private static boolean sameFiguresAsEtcdctl(Path file) throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode theirs = json.readTree(jsonOf(etcdctlStatus(file)));
    JsonNode ours = json.readTree(jsonOf(inspect(file)));
    for (String field : new String[] {"hash", "revision", "totalKey", "totalSize"}) {
      if (ours.path(field).asLong(-1) != theirs.path(field).asLong(-2)) {
        System.out.println(field + ": inspect " + ours.path(field) + ", etcdctl " + theirs.path(field));
        return false;
      }
    }
    return true;
  }

  /** The JSON document of a run's output (GNU time merges stderr in, where a JVM may have warned). */
  private static String jsonOf(Run run) {
    return run.output().substring(Math.max(0, run.output().indexOf('{')));
  }

  private static Run etcdctlStatus(Path file) throws Exception {
    return Measured.run(List.of("etcdctl", "snapshot", "status", file.toString(), "-w", "json"),
        Map.of("ETCDCTL_API", "3"));
  }

  private static Run inspect(Path file) throws Exception {
    Run run = Measured.run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-jar", JAR.toString(), "inspect", file.toString(), "-o", "json"), Map.of());
    assertThat(run.output()).as("inspect -Xmx64m completes").contains("\"totalKey\"");
    return run;
  }

  /**
   * {@code inspect} as a user runs it: {@code bin/etcd-snapshot-operator} with {@code JAVA_OPTS=-Xmx64m}, its
   * class-data-sharing archive kept under {@code bench/work/cds} (the first run writes it).
   */
  private static Run launcher(Path file) throws Exception {
    Run run = Measured.run(List.of("bin/etcd-snapshot-operator", "inspect", file.toString(), "-o", "json"),
        Map.of("ETCD_SNAPSHOT_JAR", JAR.toString(), "ETCD_SNAPSHOT_CDS_DIR", CDS.toString(),
            "JAVA_HOME", System.getProperty("java.home"), "JAVA_OPTS", "-Xmx64m"));
    assertThat(run.output()).as("inspect through the launcher with -Xmx64m completes").contains("\"totalKey\"");
    return run;
  }

  private static void report(long fileSize, long db, boolean same, Stats etcdctl, Stats launcher, Stats inspect,
      Stats rss, Stats saves, Stats proofs) throws Exception {
    String row = String.join(" | ", "",
        Instant.now().toString().substring(0, 16) + "Z",
        String.format("%.0f MiB (db %.0f MiB)", fileSize / (double) (1L << 20), db / (double) (1L << 20)),
        etcdctl.format("%.2f") + " s",
        launcher.format("%.2f") + " s",
        String.format("**%.2f×**", launcher.median() / etcdctl.median()),
        inspect.format("%.2f") + " s",
        String.format("%.2f×", inspect.median() / etcdctl.median()),
        rss.format("%.0f") + " MiB",
        same ? "yes" : "**no**",
        saves.format("%.2f") + " s",
        proofs.format("%.2f") + " s",
        String.format("**%.2f×**", proofs.median() / saves.median()),
        Measured.loadAverage(),
        "");
    BenchmarkLog.append("content", List.of(row.trim()));
  }
}
