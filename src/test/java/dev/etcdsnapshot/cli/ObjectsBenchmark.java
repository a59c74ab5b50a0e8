package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.objects.KubeValues;
import dev.etcdsnapshot.testing.BenchmarkLog;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.EtcdLoad;
import dev.etcdsnapshot.testing.Measured;
import dev.etcdsnapshot.testing.Measured.Run;
import dev.etcdsnapshot.testing.Measured.Stats;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's figure for {@code get}: one object out of a 1 GiB snapshot, by a fresh JVM, under 2 s. The snapshot is
 * built once (etcd filled with 8 KiB values under /registry/ to 1 GiB, one ConfigMap among them, saved by the
 * engine) and kept in {@code bench/work/} for later runs; timed with {@code java -jar} and through
 * {@code bin/etcd-snapshot-operator} (its class-data-sharing archive). Not a {@code *Test}: run it with {@code bench/objects.sh};
 * rows are appended to {@code BENCHMARKS.md}.
 */
class ObjectsBenchmark {

  static final int DB_MIB = Integer.getInteger("bench.dbMiB", 1024);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  static final Path JAR = Path.of("target/etcd-snapshot-operator.jar");
  static final Path WORK = Path.of("bench/work");

  @Test
  void getOfOneObjectFromALargeSnapshot() throws Exception {
    Measured.requireGnuTime();
    assertThat(JAR).as("build the jar first: mvn -B -DskipTests package").exists();
    Path snapshot = WORK.resolve("objects-" + DB_MIB + "mib.db");
    if (!Files.exists(snapshot)) {
      build(snapshot);
    }
    List<String> get = List.of(java(), "-jar", JAR.toString(), "get", snapshot.toString(), "configmaps",
        "needle", "-n", "kube-system");
    List<String> smallHeap = List.of(java(), "-Xmx64m", "-jar", JAR.toString(), "get", snapshot.toString(),
        "configmaps", "needle", "-n", "kube-system");
    List<String> launcher = List.of("bin/etcd-snapshot-operator", "get", snapshot.toString(), "configmaps",
        "needle", "-n", "kube-system");
    Map<String, String> launcherEnv = Map.of("ETCD_SNAPSHOT_JAR", JAR.toString(), "ETCD_SNAPSHOT_CDS_DIR",
        WORK.resolve("cds").toString(), "JAVA_HOME", System.getProperty("java.home"));
    Run first = Measured.run(get, Map.of());
    assertThat(first.output()).contains("name: needle", "found: \"yes\"");
    Measured.run(launcher, launcherEnv); // writes the launcher's class-data-sharing archive
    List<Double> seconds = new ArrayList<>();
    List<Double> viaLauncher = new ArrayList<>();
    List<Double> small = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    for (int r = 0; r < ROUNDS; r++) {
      seconds.add(Measured.run(get, Map.of()).seconds());
      viaLauncher.add(Measured.run(launcher, launcherEnv).seconds());
      Run s = Measured.run(smallHeap, Map.of());
      small.add(s.seconds());
      rss.add(s.maxRssMiB());
    }
    Stats wall = Stats.of(seconds);
    String row = String.join(" | ", "", Instant.now().toString().substring(0, 16) + "Z",
        String.format("%.0f MiB", Files.size(snapshot) / (double) (1L << 20)),
        wall.format("%.2f") + " s" + (wall.median() < 2 ? " (**< 2 s**)" : " (**missed**)"),
        Stats.of(viaLauncher).format("%.2f") + " s" + (Stats.of(viaLauncher).median() < 2 ? " (**< 2 s**)"
            : " (**missed**)"),
        Stats.of(small).format("%.2f") + " s", Stats.of(rss).format("%.0f") + " MiB", Measured.loadAverage(), "");
    BenchmarkLog.append("objects", List.of(row.trim()));
  }

  /** A real snapshot: etcd filled to the size, the needle ConfigMap written as kube-apiserver writes it, saved. */
  private static void build(Path snapshot) throws Exception {
    Files.createDirectories(WORK);
    try (EtcdCluster etcd = EtcdCluster.start(1)) {
      String endpoint = etcd.member(0).clientUrl();
      try (Client client = etcd.client(0)) {
        client.getKVClient().put(ByteSequence.from("/registry/configmaps/kube-system/needle", StandardCharsets.UTF_8),
            ByteSequence.from(KubeValues.configMap("kube-system", "needle", Map.of("found", "yes"))))
            .get(10, TimeUnit.SECONDS);
      }
      EtcdLoad.fill(endpoint, DB_MIB * (1L << 20));
      Path dir = Files.createDirectories(etcd.baseDir().resolve("snapshots"));
      CliRun save = CliRun.of("save", "--endpoints", endpoint, "--dir", dir.toString(), "--node-name", "bench",
          "--name", "objects");
      assertThat(save.code()).as(save.err()).isZero();
      String name = save.out().substring("Snapshot ".length(), save.out().indexOf(" saved."));
      Files.move(dir.resolve(name), snapshot, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
