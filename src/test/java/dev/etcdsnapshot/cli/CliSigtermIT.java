package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.EtcdLoad;
import dev.etcdsnapshot.testing.GatedProxy;
import dev.etcdsnapshot.testing.S3Server;
import dev.etcdsnapshot.testing.TestJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: SIGTERM during a multipart upload of {@code save --s3} aborts the upload before the process exits (a
 * shutdown hook with a deadline), so no incomplete upload keeps its parts in the bucket. The CLI runs as its own
 * process (the built jar) against a real etcd holding 20 MiB, through a proxy that holds the upload mid-way.
 */
class CliSigtermIT {

  private static final String BUCKET = "sigterm";

  @TempDir Path tmp;

  @Test
  void sigtermDuringAMultipartUploadAbortsItBeforeExit() throws Exception {
    String jar = TestJar.require().toString();
    try (S3Server server = S3Server.builder().start().createBucket(BUCKET);
        EtcdCluster etcd = EtcdCluster.start(1);
        GatedProxy proxy = new GatedProxy(server.port(), 6L << 20)) {
      EtcdLoad.fill(etcd.member(0).clientUrl(), 20L << 20); // past the 16 MiB multipart threshold
      Path dir = Files.createDirectory(tmp.resolve("snapshots"));
      Process save = new ProcessBuilder(List.of(TestJar.java(), "-jar", jar, "save", "--endpoints",
          etcd.member(0).clientUrl(), "--dir", dir.toString(), "--node-name", "n1", "--s3", "--s3-endpoint",
          server.endpoint(), "--s3-insecure", "--s3-bucket", BUCKET, "--s3-access-key", S3Server.ACCESS_KEY,
          "--s3-secret-key", S3Server.SECRET_KEY, "--s3-proxy", proxy.url()))
          .redirectErrorStream(true).redirectOutput(tmp.resolve("save.log").toFile()).start();
      try {
        assertThat(proxy.held.await(120, TimeUnit.SECONDS)).as("the upload reached the proxy's gate").isTrue();
        assertThat(server.client().listMultipartUploads(l -> l.bucket(BUCKET)).uploads())
            .as("a multipart upload is under way").hasSize(1);
        save.destroy(); // SIGTERM
        proxy.release();
        assertThat(save.waitFor(60, TimeUnit.SECONDS)).isTrue();
      } finally {
        save.destroyForcibly();
      }
      assertThat(server.client().listMultipartUploads(l -> l.bucket(BUCKET)).uploads())
          .as("no incomplete upload left behind:\n" + Files.readString(tmp.resolve("save.log"))).isEmpty();
    }
  }
}
