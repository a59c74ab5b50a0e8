package dev.etcdsnapshot.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import dev.etcdsnapshot.engine.etcd.EtcdSnapshotSource;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import dev.etcdsnapshot.testing.BenchmarkLog;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.EtcdLoad;
import dev.etcdsnapshot.testing.EtcdProcess;
import dev.etcdsnapshot.testing.Measured;
import dev.etcdsnapshot.testing.Measured.Run;
import dev.etcdsnapshot.testing.Measured.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2's performance figures, each against {@code etcdctl snapshot save} of the same member in the same run:
 * the engine's save throughput in a warm JVM, the whole {@code save} command in a fresh JVM (the shaded jar run with
 * {@code java -jar}, and through {@code bin/etcd-snapshot-operator} with its class-data-sharing archive), and the
 * peak RSS of {@code save} with {@code -Xmx64m} on a small and a large database; plus a
 * byte-for-byte comparison with etcdctl's file of the same revision. Not a {@code *Test}: run it with
 * {@code bench/engine.sh}; rows are appended to {@code BENCHMARKS.md}.
 */
class EngineBenchmark {

  static final int DB_MIB = Integer.getInteger("bench.dbMiB", 400);
  static final int SMALL_DB_MIB = Integer.getInteger("bench.smallDbMiB", 100);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  static final Path JAR = Path.of("target/etcd-snapshot-operator.jar");

  @TempDir Path tmp;

  @Test
  void saveAgainstEtcdctl() throws Exception {
    Measured.requireGnuTime();
    assertThat(JAR).as("build the jar first: mvn -B -DskipTests package").exists();
    try (EtcdCluster cluster = EtcdCluster.start(1)) {
      EtcdProcess member = cluster.member(0);
      String endpoint = member.clientUrl();
      Path dir = Files.createDirectory(tmp.resolve("snapshots"));

      long smallDb = EtcdLoad.fill(endpoint, SMALL_DB_MIB * (1L << 20));
      double smallRss = Math.max(cliSave(endpoint, dir, true).maxRssMiB(), cliSave(endpoint, dir, true).maxRssMiB());
      clear(dir);
      long db = EtcdLoad.fill(endpoint, DB_MIB * (1L << 20));

      LocalSnapshotStore store = new LocalSnapshotStore(dir, false, "bench", SnapshotNames::parseTimestamp);
      try (EtcdSnapshotSource source = EtcdSnapshotSource.forSingleEndpoint(EtcdConnectionSettings.of(endpoint))) {
        SnapshotEngine engine = new SnapshotEngine(store, source, Clock.systemUTC());
        boolean identical = sameBytesAsEtcdctl(endpoint, dir, engine);
        for (int i = 0; i < 2; i++) {
          engineSave(engine, dir); // warm-up
        }
        launcherSave(endpoint, dir); // writes the launcher's class-data-sharing archive
        clear(dir);
        List<Double> etcdctl = new ArrayList<>();
        List<Double> inJvm = new ArrayList<>();
        List<Double> command = new ArrayList<>();
        List<Double> launcher = new ArrayList<>();
        List<Double> commandSmallHeap = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
          etcdctl.add(etcdctlSave(endpoint, dir).seconds());
          clear(dir);
          inJvm.add(engineSave(engine, dir));
          command.add(cliSave(endpoint, dir, false).seconds());
          clear(dir);
          launcher.add(launcherSave(endpoint, dir).seconds());
          clear(dir);
          Run small = cliSave(endpoint, dir, true);
          commandSmallHeap.add(small.seconds());
          rss.add(small.maxRssMiB());
          clear(dir);
        }
        report(db, smallDb, smallRss, identical, Stats.of(etcdctl), Stats.of(inJvm), Stats.of(command),
            Stats.of(launcher), Stats.of(commandSmallHeap), Stats.of(rss));
      }
    }
  }

  /** etcdctl's file and the engine's, taken one after the other with no write in between, are the same bytes. */
  private boolean sameBytesAsEtcdctl(String endpoint, Path dir, SnapshotEngine engine) throws Exception {
    etcdctlSave(endpoint, dir);
    SaveResult saved = engine.save(SaveRequest.of("identity"));
    assertThat(saved.succeeded()).as(saved.failures().toString()).isTrue();
    boolean identical = Files.mismatch(dir.resolve("etcdctl.db"), dir.resolve(saved.fileName())) == -1;
    clear(dir);
    return identical;
  }

  private static double engineSave(SnapshotEngine engine, Path dir) throws IOException {
    long start = System.nanoTime();
    SaveResult result = engine.save(SaveRequest.of("engine"));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(result.succeeded()).as(result.failures().toString()).isTrue();
    clear(dir);
    return seconds;
  }

  private static Run etcdctlSave(String endpoint, Path dir) throws Exception {
    return Measured.run(List.of("etcdctl", "--endpoints", endpoint, "snapshot", "save",
        dir.resolve("etcdctl.db").toString()), Map.of("ETCDCTL_API", "3"));
  }

  private static Run cliSave(String endpoint, Path dir, boolean smallHeap) throws Exception {
    List<String> command = new ArrayList<>(List.of(java()));
    if (smallHeap) {
      command.add("-Xmx64m");
    }
    command.addAll(List.of("-jar", JAR.toString(), "save", "--endpoints", endpoint, "--dir", dir.toString(),
        "--node-name", "bench", "--name", smallHeap ? "cli-small-heap" : "cli"));
    return Measured.run(command, Map.of());
  }

  /** {@code bin/etcd-snapshot-operator save}: the same jar with its class-data-sharing archive. */
  private Run launcherSave(String endpoint, Path dir) throws Exception {
    return Measured.run(List.of("bin/etcd-snapshot-operator", "save", "--endpoints", endpoint, "--dir",
        dir.toString(), "--node-name", "bench", "--name", "launcher"), Map.of("ETCD_SNAPSHOT_JAR", JAR.toString(),
        "ETCD_SNAPSHOT_CDS_DIR", tmp.resolve("cds").toString(), "JAVA_HOME", System.getProperty("java.home")));
  }

  private void report(long db, long smallDb, double smallRss, boolean identical, Stats etcdctl, Stats inJvm,
      Stats command, Stats launcher, Stats commandSmallHeap, Stats rss) throws IOException {
    double mib = db / (double) (1L << 20);
    String row = String.join(" | ", "",
        Instant.now().toString().substring(0, 16) + "Z",
        String.format("%.0f MiB", mib),
        etcdctl.format("%.2f") + " s",
        inJvm.format("%.2f") + " s",
        String.format("%.0f vs %.0f MiB/s: **%.2f×**", mib / inJvm.median(), mib / etcdctl.median(),
            etcdctl.median() / inJvm.median()),
        command.format("%.2f") + " s",
        String.format("**%.2f×**", command.median() / etcdctl.median()),
        launcher.format("%.2f") + " s",
        String.format("**%.2f×**", launcher.median() / etcdctl.median()),
        commandSmallHeap.format("%.2f") + " s",
        String.format("%.0f MiB at %.0f MiB, %s MiB at %.0f MiB", smallRss, smallDb / (double) (1L << 20),
            rss.format("%.0f"), mib),
        identical ? "yes" : "**no**",
        Measured.loadAverage(),
        "");
    BenchmarkLog.append("engine", List.of(row.trim()));
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void clear(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f)) {
          Files.delete(f);
        }
      }
    }
  }
}
