package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.LogCapture;
import dev.etcdsnapshot.testing.S3Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@code save/ls/delete/prune/download --s3} against a real etcd and a real S3 server. */
class CliS3IT {

  private static final String BUCKET = "snapshots";
  private static EtcdCluster etcd;
  private static S3Server server;

  @TempDir Path tmp;
  private Path dir;
  private LogCapture logs;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.builder().start().createBucket(BUCKET);
    etcd = EtcdCluster.start(1);
    etcd.loadKeys(200, 512);
  }

  @AfterAll
  static void stop() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
    server.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createDirectory(tmp.resolve("snapshots"));
    logs = LogCapture.start();
  }

  @AfterEach
  void noCredentialLogged() {
    logs.close();
    assertThat(logs.text()).doesNotContain(S3Server.ACCESS_KEY, S3Server.SECRET_KEY);
  }

  @Test
  void saveListDownloadDeleteOnS3() throws Exception {
    CliRun save = run("save", "--name", "etcd-snapshot", "--etcd-snapshot-compress", "--node-name", "n1",
        "--s3-folder", "cli");
    assertThat(save.code()).as(save.err()).isZero();
    assertThat(save.out()).matches("(Snapshot etcd-snapshot-n1-\\d+\\.zip saved\\.\n){2}");
    String name = save.out().substring("Snapshot ".length(), save.out().indexOf(" saved."));
    assertThat(objects("cli/")).extracting(S3Object::key).containsExactly("cli/" + name);
    assertThat(server.client().headObject(h -> h.bucket(BUCKET).key("cli/" + name)).metadata())
        .containsEntry("k3s-node-name", "n1")
        .containsEntry(S3SnapshotStore.SHA256_METADATA, sha256(dir.resolve(name)));

    CliRun ls = run("ls", "--node-name", "n1", "--s3-folder", "cli");
    assertThat(ls.code()).as(ls.err()).isZero();
    assertThat(ls.out()).contains("file://" + dir.toRealPath().resolve(name), "s3://snapshots/cli/" + name);

    Path restore = tmp.resolve("restore/snapshots");
    CliRun download = CliRun.of(withS3("download", name, "--dir", restore.toString(), "--unzip",
        "--s3-folder", "cli"));
    assertThat(download.code()).as(download.err()).isZero();
    String raw = name.substring(0, name.length() - ".zip".length());
    assertThat(download.out()).startsWith("Snapshot " + name + " downloaded to " + restore.resolve(name)
        + ", unzipped to " + restore.resolve(raw) + ": sha256 OK (");
    assertThat(restore.resolve(name)).hasSameBinaryContentAs(dir.resolve(name));
    assertThat(CliRun.of("verify", restore.resolve(raw).toString()).code()).isZero();

    CliRun delete = run("delete", "--node-name", "n1", "--s3-folder", "cli", name, "missing");
    assertThat(delete.out()).isEqualTo("Snapshot " + name + " deleted.\nSnapshot " + name + " deleted.\n");
    assertThat(delete.err()).isEqualTo("Snapshot missing not found.\n");
    assertThat(objects("cli/")).isEmpty();
  }

  @Test
  void saveRecordsTheServerTokenFingerprintOnTheObject() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "K10" + "ab".repeat(32) + "::server:s3cr3t-p4ss\n");
    CliRun save = run("save", "--node-name", "n1", "--s3-folder", "tok", "--token-file", token.toString());
    assertThat(save.code()).as(save.err()).isZero();
    String name = save.out().substring("Snapshot ".length(), save.out().indexOf(" saved."));
    // printf %s s3cr3t-p4ss | sha256sum | cut -c1-12
    assertThat(server.client().headObject(h -> h.bucket(BUCKET).key("tok/" + name)).metadata())
        .containsEntry("k3s-token-hash", "9f3c8c498b93");
    assertThat(save.out() + save.err()).doesNotContain("s3cr3t-p4ss");

    CliRun missing = run("save", "--node-name", "n1", "--token-file", tmp.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).startsWith("--token-file " + tmp.resolve("nope"));
    assertThat(files()).as("a wrong --token-file costs no snapshot").hasSize(1);
  }

  @Test
  void failedUploadKeepsTheLocalSnapshotAndExitsNonZero() throws Exception {
    CliRun save = run("save", "--node-name", "n1", "--s3-bucket", "no-such-bucket");
    assertThat(save.code()).as(save.err()).isEqualTo(1);
    String name = save.out().substring("Snapshot ".length(), save.out().indexOf(" saved."));
    assertThat(dir.resolve(name)).exists();
    assertThat(save.err()).contains("failed to upload snapshot " + name + ": bucket no-such-bucket does not exist")
        .contains("the local snapshot " + dir.resolve(name) + " is kept");
  }

  @Test
  void badS3FlagsAreUsageErrorsNamingTheFlagAndNeverTheSecret() throws Exception {
    CliRun timeout = run("save", "--node-name", "n1", "--s3-timeout", "0s");
    assertThat(timeout.code()).isEqualTo(2);
    assertThat(timeout.err()).startsWith("--etcd-s3-timeout must be greater than 0s");
    CliRun pair = CliRun.of("ls", "--dir", dir.toString(), "--s3", "--s3-bucket", "b", "--s3-access-key",
        S3Server.ACCESS_KEY);
    assertThat(pair.code()).isEqualTo(2);
    assertThat(pair.err()).startsWith("--etcd-s3-secret-key is required when etcd-s3-access-key is set")
        .doesNotContain(S3Server.ACCESS_KEY);
    CliRun without = CliRun.of("ls", "--dir", dir.toString(), "--s3-bucket", "b");
    assertThat(without.code()).isEqualTo(2);
    assertThat(without.err()).startsWith("--etcd-s3-bucket needs --s3");
    assertThat(files()).isEmpty();
  }

  @Test
  void pruneOnS3PerNodeByDefaultAndPerClusterOnRequest() throws Exception {
    List<String> n1 = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      n1.add(savedName(run("save", "--name", "etcd-snapshot", "--node-name", "n1", "--s3-folder", "prune")));
      Thread.sleep(1100);
    }
    String n2 = savedName(run("save", "--name", "etcd-snapshot", "--node-name", "n2", "--s3-folder", "prune"));

    CliRun perNode = run("prune", "--name", "etcd-snapshot", "--node-name", "n1", "--snapshot-retention", "5",
        "--s3-folder", "prune", "--s3-retention", "1");
    assertThat(perNode.code()).as(perNode.err()).isZero();
    assertThat(perNode.out()).isEqualTo("Snapshot " + n1.get(0) + " deleted.\n");
    assertThat(objects("prune/")).extracting(S3Object::key).containsExactlyInAnyOrder(
        "prune/" + n1.get(1), "prune/" + n2);

    CliRun cluster = run("prune", "--name", "etcd-snapshot", "--node-name", "n1", "--s3-folder", "prune",
        "--s3-retention", "1", "--s3-retention-scope", "cluster");
    assertThat(cluster.code()).as(cluster.err()).isZero();
    assertThat(objects("prune/")).extracting(S3Object::key).containsExactly("prune/" + n2);
  }

  /** The shaded jar carries the AWS SDK intact (service files, endpoint rules): save and ls through it. */
  @Test
  void theShadedJarUploadsAndLists() throws Exception {
    String jar = System.getenv("ETCD_SNAPSHOT_TEST_JAR");
    assumeTrue(jar != null && Files.exists(Path.of(jar)), "ETCD_SNAPSHOT_TEST_JAR not built");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> save = new ArrayList<>(List.of(java, "-jar", jar));
    save.addAll(List.of(withS3("save", "--endpoints", etcd.member(0).clientUrl(), "--dir", dir.toString(),
        "--node-name", "jar", "--s3-folder", "jar")));
    Process p = new ProcessBuilder(save).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).matches("(Snapshot on-demand-jar-\\d+ saved\\.\n){2}").doesNotContain(S3Server.SECRET_KEY);
    assertThat(objects("jar/")).hasSize(1);
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static String savedName(CliRun save) {
    assertThat(save.code()).as(save.err()).isZero();
    return save.out().substring("Snapshot ".length(), save.out().indexOf(" saved."));
  }

  private CliRun run(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command, "--dir", dir.toString()));
    if (command.equals("save")) {
      all.addAll(List.of("--endpoints", etcd.member(0).clientUrl()));
    }
    all.addAll(List.of(args));
    return CliRun.of(withS3(all.toArray(String[]::new)));
  }

  private static String[] withS3(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--s3", "--s3-endpoint", server.endpoint(), "--s3-insecure",
        "--etcd-s3-access-key", S3Server.ACCESS_KEY, "--s3-secret-key", S3Server.SECRET_KEY));
    if (!all.contains("--s3-bucket")) {
      all.addAll(List.of("--s3-bucket", BUCKET));
    }
    return all.toArray(String[]::new);
  }

  private static List<S3Object> objects(String prefix) {
    return server.client().listObjectsV2(l -> l.bucket(BUCKET).prefix(prefix)).contents();
  }

  private List<Path> files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
