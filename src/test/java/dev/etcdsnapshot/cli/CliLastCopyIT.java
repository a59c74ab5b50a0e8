package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.S3rverServer;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 9's scenario against a real etcd and s3rver over plain HTTP: objects stored with the SDK's aws-chunked
 * framing (what every upload to such a store kept before the fix; here made by an SDK client with chunked encoding
 * on, the SDK's default) must never make {@code prune --snapshot-retention 1 --s3} delete the good local copy.
 */
class CliLastCopyIT {

  private static final String BUCKET = "last-copy";
  private static EtcdCluster etcd;
  private static S3rverServer s3;
  private static S3Client framing;

  @TempDir Path tmp;
  private Path dir;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3rverServer.start().createBucket(BUCKET);
    etcd = EtcdCluster.start(1);
    etcd.loadKeys(100, 512);
    framing = S3Client.builder()
        .httpClientBuilder(Apache5HttpClient.builder())
        .endpointOverride(URI.create("http://" + s3.endpoint()))
        .region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(S3rverServer.ACCESS_KEY, S3rverServer.SECRET_KEY)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (framing != null) {
      framing.close();
    }
    if (etcd != null) {
      etcd.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createDirectory(tmp.resolve("snapshots"));
  }

  @Test
  void pruneKeepsTheLocalCopiesWhoseS3ObjectsAreFramed() throws Exception {
    String folder = "framed";
    String older = saveLocally();
    String newer = saveLocally();
    uploadWithFraming(folder, older);
    uploadWithFraming(folder, newer);
    assertThat(objectSize(folder, older)).as("the store kept the framing").isGreaterThan(
        Files.size(dir.resolve(older)));

    CliRun prune = run("prune", "--name", "etcd-snapshot", "--snapshot-retention", "1", "--s3-folder", folder);

    assertThat(prune.code()).as(prune.err()).isZero();
    assertThat(prune.out()).as("nothing is deleted").isEmpty();
    assertThat(files()).as("both local copies stay: neither has a proven S3 copy")
        .containsExactlyInAnyOrder(older, newer);
    assertThat(keys(folder)).as("framed objects never count, so S3 retention deletes none")
        .containsExactlyInAnyOrder(folder + "/" + older, folder + "/" + newer);
  }

  @Test
  void aProvenOlderCopyLetsTheLocalFileGoWhileTheFramedNewestStaysLocal() throws Exception {
    String folder = "mixed";
    String saved = run("save", "--name", "etcd-snapshot", "--node-name", "n1", "--s3-folder", folder).out();
    String older = saved.substring("Snapshot ".length(), saved.indexOf(' ', "Snapshot ".length()));
    Thread.sleep(1100);
    String newer = saveLocally();
    uploadWithFraming(folder, newer);

    CliRun prune = run("prune", "--name", "etcd-snapshot", "--snapshot-retention", "1", "--s3-folder", folder);

    assertThat(prune.code()).as(prune.err()).isZero();
    assertThat(prune.out()).isEqualTo("Snapshot " + older + " deleted.\n");
    assertThat(files()).as("the newest stays locally: its S3 object is framed").containsExactly(newer);
    assertThat(keys(folder)).as("the older proven object is the one S3 keeps; the framed one is not counted")
        .containsExactlyInAnyOrder(folder + "/" + older, folder + "/" + newer);
    try (InputStream in = s3.client().getObject(g -> g.bucket(BUCKET).key(folder + "/" + older))) {
      assertThat(in.readAllBytes().length).isPositive();
    }
  }

  /** A local snapshot only; a second in a row waits a second, so names (unix seconds) differ. */
  private String saveLocally() throws Exception {
    if (!files().isEmpty()) {
      Thread.sleep(1100);
    }
    List<String> before = files();
    CliRun save = CliRun.of("save", "--dir", dir.toString(), "--endpoints", etcd.member(0).clientUrl(),
        "--name", "etcd-snapshot", "--node-name", "n1");
    assertThat(save.code()).as(save.err()).isZero();
    List<String> after = new ArrayList<>(files());
    after.removeAll(before);
    return after.get(0);
  }

  private void uploadWithFraming(String folder, String name) {
    framing.putObject(p -> p.bucket(BUCKET).key(folder + "/" + name), RequestBody.fromFile(dir.resolve(name)));
  }

  private long objectSize(String folder, String name) {
    return s3.client().headObject(h -> h.bucket(BUCKET).key(folder + "/" + name)).contentLength();
  }

  private List<String> keys(String folder) {
    return s3.client().listObjectsV2(l -> l.bucket(BUCKET).prefix(folder + "/")).contents().stream()
        .map(S3Object::key).toList();
  }

  private CliRun run(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command, "--dir", dir.toString()));
    if (command.equals("save")) {
      all.addAll(List.of("--endpoints", etcd.member(0).clientUrl()));
    } else {
      all.addAll(List.of("--node-name", "n1"));
    }
    all.addAll(List.of(args));
    all.addAll(List.of("--s3", "--s3-endpoint", s3.endpoint(), "--s3-insecure", "--s3-bucket", BUCKET,
        "--s3-access-key", S3rverServer.ACCESS_KEY, "--s3-secret-key", S3rverServer.SECRET_KEY));
    return CliRun.of(all.toArray(String[]::new));
  }

  private List<String> files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
