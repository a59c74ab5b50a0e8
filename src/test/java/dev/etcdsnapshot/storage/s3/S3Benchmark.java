package dev.etcdsnapshot.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.testing.BenchmarkLog;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.EtcdLoad;
import dev.etcdsnapshot.testing.Measured.Run;
import dev.etcdsnapshot.testing.Measured.Stats;
import dev.etcdsnapshot.testing.Measured;
import dev.etcdsnapshot.testing.S3Server;
import dev.etcdsnapshot.testing.TestSnapshots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's performance figures against the same S3Proxy (in this JVM, filesystem backend) in the same run:
 * <ul>
 *   <li>upload throughput of a large snapshot file: the S3 store in a warm JVM against {@code aws s3 cp} (Debian's
 *       AWS CLI, default multipart settings);
 *   <li>peak RSS of {@code save --s3} with {@code -Xmx64m} on a small and a large etcd database (the upload
 *       included: it must not grow with the snapshot);
 *   <li>{@code save --s3 --snapshot-compress} in a fresh JVM against the sequential
 *       {@code etcdctl snapshot save && zip && aws s3 cp}, at the default compression threads and at
 *       {@code --compress-threads 1} (one thread, as k3s compresses), with both zip sizes.
 * </ul>
 * Not a {@code *Test}: run it with {@code bench/s3.sh}; rows are appended to {@code BENCHMARKS.md}.
 */
class S3Benchmark {

  static final int OBJECT_MIB = Integer.getInteger("bench.objectMiB", 512);
  static final int DB_MIB = Integer.getInteger("bench.dbMiB", 520);
  static final int SMALL_DB_MIB = Integer.getInteger("bench.smallDbMiB", 128);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  static final String AWS = System.getProperty("bench.aws", "/usr/bin/aws");
  static final Path JAR = Path.of("target/etcd-snapshot-operator.jar");
  static final String BUCKET = "bench";

  @TempDir Path tmp;

  /** The upload figures, written with the RSS figures measured later against etcd. */
  private String[] uploadRow;

  @Test
  void uploadsAndCompressedSavesAgainstTheAwsCli() throws Exception {
    Measured.requireGnuTime();
    assertThat(JAR).as("build the jar first: mvn -B -DskipTests package").exists();
    assertThat(Path.of(AWS)).as("apt-get install awscli").exists();
    try (S3Server server = S3Server.builder().filesystem().start()) {
      server.createBucket(BUCKET);
      Map<String, String> awsEnv = awsEnvironment(server);
      uploads(server, awsEnv);
      try (EtcdCluster cluster = EtcdCluster.start(1)) {
        compressedSaves(server, awsEnv, cluster.member(0).clientUrl());
      }
    }
  }

  private void uploads(S3Server server, Map<String, String> awsEnv) throws Exception {
    Path file = TestSnapshots.writeMiB(tmp.resolve("etcd-snapshot-bench-1796000000"), OBJECT_MIB, 1);
    double mib = Files.size(file) / (double) (1L << 20);
    List<Double> aws = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    try (S3SnapshotStore store = S3SnapshotStore.open(S3Settings.fromSecret(server.secret(BUCKET)))) {
      put(store, file, "warm-up-1");
      put(store, file, "warm-up-2");
      for (int r = 0; r < ROUNDS; r++) {
        aws.add(Measured.run(List.of(AWS, "--endpoint-url", "http://" + server.endpoint(), "s3", "cp", "--only-show-errors",
            file.toString(), "s3://" + BUCKET + "/aws/round-" + r), awsEnv).seconds());
        long start = System.nanoTime();
        put(store, file, "round-" + r);
        ours.add((System.nanoTime() - start) / 1e9);
      }
    }
    Files.delete(file);
    Stats a = Stats.of(aws);
    Stats o = Stats.of(ours);
    uploadRow = new String[] {
        String.format("%.0f MiB (incompressible)", mib),
        a.format("%.2f") + " s",
        o.format("%.2f") + " s",
        String.format("%.0f vs %.0f MiB/s: **%.2f×**", mib / o.median(), mib / a.median(), a.median() / o.median())};
  }

  private void compressedSaves(S3Server server, Map<String, String> awsEnv, String endpoint) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("snapshots"));
    long smallDb = EtcdLoad.fill(endpoint, SMALL_DB_MIB * (1L << 20));
    double smallRss = ourSave(server, endpoint, dir, "rss-small", List.of("-Xmx64m"), List.of()).maxRssMiB();
    clear(dir);
    long db = EtcdLoad.fill(endpoint, DB_MIB * (1L << 20));
    double largeRss = ourSave(server, endpoint, dir, "rss-large", List.of("-Xmx64m"), List.of()).maxRssMiB();
    clear(dir);
    BenchmarkLog.append("s3", List.of(String.join(" | ", "", now(), uploadRow[0], uploadRow[1], uploadRow[2],
        uploadRow[3], String.format("%.0f MiB at a %.0f MiB db, %.0f MiB at a %.0f MiB db", smallRss,
            smallDb / (double) (1L << 20), largeRss, db / (double) (1L << 20)),
        Measured.loadAverage(), "").trim()));

    List<Double> baseline = new ArrayList<>();
    List<Double> defaultThreads = new ArrayList<>();
    List<Double> oneThread = new ArrayList<>();
    long infoZip = 0;
    long ours = 0;
    for (int r = 0; r < ROUNDS; r++) {
      Path raw = dir.resolve("baseline-" + r);
      String script = "etcdctl --endpoints " + endpoint + " snapshot save " + raw + " >/dev/null"
          + " && zip -q " + raw + ".zip " + raw
          + " && " + AWS + " --endpoint-url http://" + server.endpoint() + " s3 cp --only-show-errors " + raw + ".zip"
          + " s3://" + BUCKET + "/baseline/" + raw.getFileName() + ".zip";
      Map<String, String> env = new java.util.HashMap<>(awsEnv);
      env.put("ETCDCTL_API", "3");
      baseline.add(Measured.run(List.of("sh", "-c", script), env).seconds());
      infoZip = Files.size(Path.of(raw + ".zip"));
      clear(dir);
      defaultThreads.add(ourSave(server, endpoint, dir, "default", List.of(), List.of("--snapshot-compress"))
          .seconds());
      ours = zipSize(dir);
      clear(dir);
      oneThread.add(ourSave(server, endpoint, dir, "one", List.of(),
          List.of("--snapshot-compress", "--compress-threads", "1")).seconds());
      clear(dir);
    }
    Stats b = Stats.of(baseline);
    Stats d = Stats.of(defaultThreads);
    Stats t = Stats.of(oneThread);
    BenchmarkLog.append("s3-save", List.of(String.join(" | ", "", now(),
        String.format("%.0f MiB", db / (double) (1L << 20)),
        b.format("%.2f") + " s",
        d.format("%.2f") + " s at the default (" + dev.etcdsnapshot.engine.file.SnapshotZipWriter.threadsForCommand()
            + " threads); " + t.format("%.2f") + " s with `--compress-threads 1`",
        String.format("**%.2f×**; **%.2f×**", d.median() / b.median(), t.median() / b.median()),
        String.format("%.1f vs %.1f MiB", ours / (double) (1L << 20), infoZip / (double) (1L << 20)),
        Measured.loadAverage(), "").trim()));
  }

  private Run ourSave(S3Server server, String endpoint, Path dir, String name, List<String> jvm,
      List<String> flags) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    command.addAll(jvm);
    command.addAll(List.of("-jar", JAR.toString(), "save", "--endpoints", endpoint, "--dir", dir.toString(),
        "--node-name", "bench", "--name", name, "--s3", "--s3-endpoint", server.endpoint(), "--s3-insecure", "--s3-bucket", BUCKET,
        "--s3-folder", "ours", "--s3-access-key", S3Server.ACCESS_KEY, "--s3-secret-key", S3Server.SECRET_KEY));
    command.addAll(flags);
    Run run = Measured.run(command, Map.of());
    assertThat(run.output()).contains("saved.");
    return run;
  }

  private static void put(S3SnapshotStore store, Path file, String name) throws IOException {
    store.put(file, new SnapshotMetadata("etcd-snapshot-" + name + "-1796000000", "bench",
        Instant.ofEpochSecond(1796000000), null, null, null, Map.of()));
  }

  private Map<String, String> awsEnvironment(S3Server server) throws IOException {
    Path config = tmp.resolve("aws-config");
    Files.writeString(config, "[default]\nregion = " + S3Server.REGION + "\ns3 =\n  addressing_style = path\n");
    return Map.of("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY,
        "AWS_CONFIG_FILE", config.toString(), "AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("none").toString(),
        "AWS_PAGER", "");
  }

  private static long zipSize(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".zip")).findFirst().map(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).orElseThrow();
    }
  }

  private static String now() {
    return Instant.now().toString().substring(0, 16) + "Z";
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
