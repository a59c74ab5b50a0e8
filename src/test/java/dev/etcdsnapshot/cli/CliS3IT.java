package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.GatedProxy;
import dev.etcdsnapshot.testing.LogCapture;
import dev.etcdsnapshot.testing.S3Server;
import dev.etcdsnapshot.testing.TestJar;
import dev.etcdsnapshot.testing.TestSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
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
    String name = save.out().substring("Snapshot ".length(), save.out().indexOf(" saved."));
    assertThat(save.out()).as("k3s's lines, then once where each copy is")
        .isEqualTo(("Snapshot " + name + " saved.\n").repeat(2) + "Copies of " + name + ": local "
            + dir.resolve(name) + "; S3 copy s3://" + BUCKET + "/cli/" + name + " (read back and checked).\n");
    assertThat(name).matches("etcd-snapshot-n1-\\d+\\.zip");
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
    assertThat(save.out()).endsWith("Copies of " + name + ": local " + dir.resolve(name)
        + "; no S3 copy (the upload failed, see above).\n");
  }

  @Test
  void badS3FlagsAreUsageErrorsNamingTheFlagAndNeverTheSecret() throws Exception {
    CliRun timeout = run("save", "--node-name", "n1", "--s3-timeout", "0s");
    assertThat(timeout.code()).isEqualTo(2);
    assertThat(timeout.err()).startsWith("--etcd-s3-timeout must be greater than 0s");
    // Issue 9: each refused in one line naming the flag, before etcd is touched (no snapshot file appears).
    String[][] refused = {
      {"--s3-bucket", "My_Backups", "--etcd-s3-bucket must be a bucket name: 3 to 63"},
      {"--s3-bucket", "snapshots ", "--etcd-s3-bucket has leading or trailing whitespace"},
      {"--s3-folder", "prod/.metadata", "--etcd-s3-folder must not contain a .metadata segment"},
      {"--s3-folder", "../prod", "--etcd-s3-folder must not climb above the bucket root"},
    };
    for (String[] r : refused) {
      CliRun bad = run("save", "--node-name", "n1", r[0], r[1]);
      assertThat(bad.code()).as(r[1]).isEqualTo(2);
      assertThat(bad.err()).startsWith(r[2]);
      assertThat(bad.err().strip().lines().count()).as(bad.err()).isEqualTo(1);
    }
    CliRun pair = CliRun.of("ls", "--dir", dir.toString(), "--s3", "--s3-bucket", "bkt", "--s3-access-key",
        S3Server.ACCESS_KEY);
    assertThat(pair.code()).isEqualTo(2);
    assertThat(pair.err()).startsWith("--etcd-s3-secret-key is required when etcd-s3-access-key is set")
        .doesNotContain(S3Server.ACCESS_KEY);
    CliRun without = CliRun.of("ls", "--dir", dir.toString(), "--s3-bucket", "bkt");
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

  /**
   * A download never harms what is already there: into a directory holding a good copy it refuses before
   * fetching anything; a corrupt object (raw, or a zip whose entry is corrupt) is checked before it takes its
   * name, so it leaves no file, no .part and no sidecar.
   */
  @Test
  void downloadRefusesToOverwriteAndLeavesNothingOfACorruptObject() throws Exception {
    String name = "etcd-snapshot-n7-1700000000";
    Path good = TestSnapshots.write(tmp.resolve("good"), 8, 70);
    byte[] corrupt = Files.readAllBytes(good);
    corrupt[100] ^= 1;
    put("dl/" + name, corrupt);
    put("dl/.metadata/" + name, "{\"from\":\"s3\"}".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(zip)) {
      out.putNextEntry(new ZipEntry(name));
      out.write(corrupt);
      out.closeEntry();
    }
    put("dl/" + name + ".zip", zip.toByteArray());

    Path restore = Files.createDirectories(tmp.resolve("restore/snapshots"));
    Path copy = Files.copy(good, restore.resolve(name));
    Path sidecar = Files.writeString(Files.createDirectories(tmp.resolve("restore/.metadata")).resolve(name),
        "{\"from\":\"local\"}");
    CliRun refused = CliRun.of(withS3("download", name, "--dir", restore.toString(), "--s3-folder", "dl"));
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo(copy + ": refusing to overwrite an existing snapshot; move it away or "
        + "download into another directory\n");
    assertThat(copy).hasSameBinaryContentAs(good);
    assertThat(sidecar).hasContent("{\"from\":\"local\"}");
    assertThat(list(restore)).containsExactly(name);

    for (String object : List.of(name, name + ".zip")) {
      Path empty = tmp.resolve("empty-" + object + "/snapshots");
      CliRun corrupted = CliRun.of(withS3("download", object, "--dir", empty.toString(), "--unzip",
          "--s3-folder", "dl"));
      assertThat(corrupted.code()).isEqualTo(1);
      assertThat(corrupted.err()).startsWith("downloaded snapshot " + object + " is corrupt: ");
      assertThat(list(empty)).as("no snapshot, no .part").isEmpty();
      assertThat(empty.resolveSibling(".metadata").resolve(name)).doesNotExist();
    }

    // A ".zip" object that is no zip at all (here: a raw snapshot under a zip's name) is named as such.
    String notZip = "etcd-snapshot-n7-1700000001.zip";
    put("dl/" + notZip, Files.readAllBytes(good));
    Path empty = tmp.resolve("empty-not-zip/snapshots");
    CliRun refusedZip = CliRun.of(withS3("download", notZip, "--dir", empty.toString(), "--unzip",
        "--s3-folder", "dl"));
    assertThat(refusedZip.code()).isEqualTo(1);
    assertThat(refusedZip.err()).startsWith("downloaded snapshot " + notZip + ": not a k3s snapshot zip: ")
        .doesNotContain("Exception").hasLineCount(1);
    assertThat(list(empty)).as("no snapshot, no .part").isEmpty();
  }

  private static void put(String key, byte[] content) {
    server.client().putObject(p -> p.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
  }

  private static List<String> list(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  /**
   * What a user's commands cost, counted at the wire: the ls table, prune and the retention after a save send no
   * request per object (k3s: a HEAD each, every time); ls -o json reads each object's uploader, once per object.
   */
  @Test
  void onlyLsJsonSendsARequestPerObject() throws Exception {
    int n = 30;
    for (int i = 0; i < n; i++) {
      // 32 bytes: shaped like a snapshot (pages plus trailer), so retention counts it.
      server.putDirect(BUCKET, "cost/etcd-snapshot-n" + (i % 3) + "-" + (1700000000 + i),
          "snapshot".repeat(4).getBytes(StandardCharsets.UTF_8), java.util.Map.of("k3s-node-name", "n" + (i % 3)));
    }
    try (GatedProxy proxy = new GatedProxy(server.port())) {
      String viaProxy = proxy.url();
      CliRun table = run("ls", "--node-name", "n0", "--s3-folder", "cost", "--s3-proxy", viaProxy);
      assertThat(table.code()).as(table.err()).isZero();
      assertThat(table.out().split("\n")).hasSize(n + 1);
      assertThat(proxy.requests("GET")).as("one LIST page").isEqualTo(1);
      assertThat(proxy.requests("HEAD")).isZero();

      CliRun json = run("ls", "--node-name", "n0", "--s3-folder", "cost", "--s3-proxy", viaProxy, "-o", "json");
      assertThat(json.code()).as(json.err()).isZero();
      assertThat(json.out()).contains("\"nodeName\":\"n2\"");
      assertThat(proxy.requests("HEAD")).as("a HEAD per object, once").isEqualTo(n);

      proxy.resetCounts();
      CliRun prune = run("prune", "--name", "etcd-snapshot", "--node-name", "n0", "--s3-folder", "cost",
          "--s3-proxy", viaProxy, "--s3-retention", "8");
      assertThat(prune.out().split("\n")).as(prune.err()).hasSize(2);
      assertThat(proxy.requests("GET")).as("one LIST page").isEqualTo(1);
      assertThat(proxy.requests("HEAD")).as("the deletes' checks of snapshot and sidecar").isEqualTo(2 * 2);
      proxy.resetCounts();
      CliRun save = run("save", "--name", "etcd-snapshot", "--node-name", "n0", "--s3-folder", "cost",
          "--s3-proxy", viaProxy, "--s3-retention", "8");
      assertThat(save.code()).as(save.err()).isZero();
      assertThat(save.out()).contains(" deleted.");
      assertThat(proxy.requests("GET")).as("one LIST page and the read-back's ranged GET of the trailer")
          .isEqualTo(1 + 1);
      // The read-back's HEAD follows the PUT's body on the same connection, where the proxy, which counts lines
      // starting with a method, may not see it.
      assertThat(proxy.requests("HEAD")).as("HeadBucket, the read-back, and the delete's checks of snapshot and "
          + "sidecar").isBetween(1 + 2, 1 + 1 + 2);
    }
  }

  /** save --s3-retention never prunes on-demand snapshots, as its help says; prune --name on-demand does. */
  @Test
  void onDemandSnapshotsArePrunedFromS3OnlyByPrune() throws Exception {
    List<String> saved = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      CliRun save = run("save", "--node-name", "n5", "--s3-folder", "od", "--s3-retention", "1");
      saved.add(savedName(save));
      assertThat(save.out()).doesNotContain("deleted");
      Thread.sleep(1100);
    }
    assertThat(objects("od/")).hasSize(2);

    CliRun prune = run("prune", "--name", "on-demand", "--node-name", "n5", "--snapshot-retention", "5",
        "--s3-folder", "od", "--s3-retention", "1");
    assertThat(prune.code()).as(prune.err()).isZero();
    assertThat(prune.out()).isEqualTo("Snapshot " + saved.get(0) + " deleted.\n");
    assertThat(objects("od/")).extracting(S3Object::key).containsExactly("od/" + saved.get(1));
    assertThat(dir.resolve(saved.get(0))).as("locally 5 are kept").exists();
  }

  /** The shaded jar carries the AWS SDK intact (service files, endpoint rules): save and ls through it. */
  @Test
  void theShadedJarUploadsAndLists() throws Exception {
    String jar = TestJar.require().toString();
    String java = TestJar.java();
    List<String> save = new ArrayList<>(List.of(java, "-jar", jar));
    save.addAll(List.of(withS3("save", "--endpoints", etcd.member(0).clientUrl(), "--dir", dir.toString(),
        "--node-name", "jar", "--s3-folder", "jar")));
    Process p = new ProcessBuilder(save).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).matches("(Snapshot on-demand-jar-\\d+ saved\\.\n){2}Copies of on-demand-jar-\\d+: local .*; S3 copy "
        + "s3://" + BUCKET + "/jar/on-demand-jar-\\d+ \\(read back and checked\\)\\.\n")
        .doesNotContain(S3Server.SECRET_KEY);
    assertThat(objects("jar/")).hasSize(1);
  }

  /**
   * {@code --debug} turns on library logs, but never those that print HTTP headers, bodies or the signer's
   * canonical request: with an access key, a secret key and a session token, none of the three reaches stdout or
   * stderr of a save or an ls through the shipped jar (where slf4j-simple starts fresh, as for a user).
   */
  @Test
  void debugOutputCarriesNoCredential() throws Exception {
    String jar = TestJar.require().toString();
    String token = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN/9q8w7e6r5t4y3u2i1o0pTOKEN";
    List<String> s3 = List.of("--s3-folder", "debug", "--s3-session-token", token);
    List<String> save = new ArrayList<>(List.of(TestJar.java(), "-jar", jar));
    save.addAll(List.of(withS3("save", "--endpoints", etcd.member(0).clientUrl(), "--dir", dir.toString(),
        "--node-name", "dbg", "--debug")));
    save.addAll(s3);
    List<String> ls = new ArrayList<>(List.of(TestJar.java(), "-jar", jar));
    ls.addAll(List.of(withS3("ls", "--dir", dir.toString(), "--node-name", "dbg", "-o", "json", "--debug")));
    ls.addAll(s3);
    for (List<String> command : List.of(save, ls)) {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).as("debug logging is on").contains("DEBUG");
      assertThat(out).contains("on-demand-dbg-")
          .doesNotContain(S3Server.ACCESS_KEY).doesNotContain(S3Server.SECRET_KEY).doesNotContain(token);
    }
    assertThat(objects("debug/")).hasSize(1);
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
