package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.GatedProxy;
import dev.etcdsnapshot.testing.LogCapture;
import dev.etcdsnapshot.testing.S3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code save --s3} whose multipart upload dies half-way because the S3 server stops: what the user is told, what
 * is left on disk and in the bucket.
 */
class CliS3FailureIT {

  private static final String BUCKET = "snapshots";
  private static EtcdCluster etcd;
  private static S3Server server;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.builder().start().createBucket(BUCKET);
    etcd = EtcdCluster.start(1);
    etcd.loadKeys(320, 64 * 1024); // a database of about 21 MiB: multipart with the CLI's 16 MiB parts
  }

  @AfterAll
  static void stop() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
    server.close();
  }

  @Test
  void serverStoppedMidUploadKeepsAVerifiedLocalSnapshotAndLeavesNoUpload() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("snapshots"));
    CliRun run;
    try (LogCapture logs = LogCapture.start(); GatedProxy proxy = new GatedProxy(server.port(), 4L << 20)) {
      CompletableFuture<CliRun> save = CompletableFuture.supplyAsync(() -> CliRun.of("save",
          "--endpoints", etcd.member(0).clientUrl(), "--dir", dir.toString(), "--node-name", "n1",
          "--name", "etcd-snapshot", "--s3", "--s3-endpoint", server.endpoint(), "--s3-insecure",
          "--s3-access-key", S3Server.ACCESS_KEY, "--s3-secret-key", S3Server.SECRET_KEY, "--s3-bucket", BUCKET,
          "--s3-proxy", proxy.url(), "--s3-timeout", "20s"));
      assertThat(proxy.held.await(60, TimeUnit.SECONDS)).as("4 MiB into the first part").isTrue();
      assertThat(server.client().listMultipartUploads(l -> l.bucket(BUCKET)).uploads()).hasSize(1);
      server.stop();
      proxy.release();
      // The parts fail against the dead server (retries included); only then does the abort start, and its first
      // attempt (a DELETE the proxy counts though it cannot forward it) says so. The abort retries until S3 is back.
      await().atMost(Duration.ofSeconds(60)).until(() -> proxy.requests("DELETE") >= 1);
      server.restart();
      run = save.get(120, TimeUnit.SECONDS);
      assertThat(logs.text()).doesNotContain(S3Server.ACCESS_KEY, S3Server.SECRET_KEY);
    }

    assertThat(run.code()).as(run.err()).isEqualTo(1);
    Matcher saved = Pattern.compile("Snapshot (etcd-snapshot-n1-\\d+) saved\\.\nCopies of \\1: local .*; no S3 copy "
        + "\\(the upload failed, see above\\)\\.\n").matcher(run.out());
    assertThat(saved.matches()).as(run.out()).isTrue();
    String name = saved.group(1);
    Path local = dir.resolve(name);
    assertThat(run.err()).startsWith("failed to upload snapshot " + name + ": ")
        .endsWith("; the local snapshot " + local + " is kept\n")
        .doesNotContain(S3Server.ACCESS_KEY, S3Server.SECRET_KEY);
    assertThat(Files.size(local)).isGreaterThan(16L << 20);
    CliRun verify = CliRun.of("verify", local.toString());
    assertThat(verify.code()).as(verify.err()).isZero();
    assertThat(server.client().listMultipartUploads(l -> l.bucket(BUCKET)).uploads()).as("aborted").isEmpty();
    assertThat(server.client().listObjectsV2(l -> l.bucket(BUCKET)).contents()).isEmpty();
  }
}
