package dev.etcdsnapshot.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.testing.LogCapture;
import dev.etcdsnapshot.testing.S3Server;
import dev.etcdsnapshot.testing.TestSnapshots;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when S3 says no, or goes away mid-upload: a clear error, the local file, no orphan parts. */
class S3FailureIT {

  private static final String BUCKET = "snapshots";
  private static final String WRONG_SECRET = "wRoNg/SeCrEt+KeY/000000000000000000000000";
  private static final String WRONG_ACCESS = "AKIAWRONGACCESSKEY00";

  @TempDir Path tmp;
  private S3Server server;
  private LogCapture logs;

  @BeforeEach
  void start() throws Exception {
    logs = LogCapture.start();
    server = S3Server.builder().start().createBucket(BUCKET);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    logs.close();
    assertThat(logs.text()).doesNotContain(S3Server.ACCESS_KEY, S3Server.SECRET_KEY, WRONG_SECRET, WRONG_ACCESS);
  }

  @Test
  void missingBucketIsReportedAsK3sDoes() throws Exception {
    Path file = TestSnapshots.write(tmp.resolve("on-demand-n1-1700000000"), 4, 1);
    S3Settings settings = S3Settings.builder().secret(server.secret("no-such-bucket")).build();
    try (S3SnapshotStore store = S3SnapshotStore.open(settings)) {
      assertThatThrownBy(() -> store.put(file, S3SnapshotStoreIT.metadata("on-demand-n1-1700000000", "n1", Map.of())))
          .isInstanceOf(IOException.class).hasMessage("bucket no-such-bucket does not exist");
    }
    assertThat(file).exists();
  }

  @Test
  void wrongSecretKeyFailsWithoutEchoingIt() throws Exception {
    Map<String, String> secret = server.secret(BUCKET);
    secret.put(S3Settings.SECRET_KEY, WRONG_SECRET);
    assertRefused(secret, "SignatureDoesNotMatch");
  }

  @Test
  void unknownAccessKeyFailsWithoutEchoingIt() throws Exception {
    Map<String, String> secret = server.secret(BUCKET);
    secret.put(S3Settings.ACCESS_KEY, WRONG_ACCESS);
    assertRefused(secret, "InvalidAccessKeyId");
  }

  private void assertRefused(Map<String, String> secret, String code) throws Exception {
    Path file = TestSnapshots.write(tmp.resolve("on-demand-n1-1700000000"), 4, 1);
    try (S3SnapshotStore store = S3SnapshotStore.open(S3Settings.fromSecret(secret))) {
      Throwable put = catchThrown(() -> store.put(file,
          S3SnapshotStoreIT.metadata("on-demand-n1-1700000000", "n1", Map.of())));
      assertThat(put).isInstanceOf(IOException.class)
          .hasMessageStartingWith("failed to test for existence of bucket snapshots: ").hasMessageContaining("403");
      Throwable list = catchThrown(store::list);
      assertThat(list).isInstanceOf(IOException.class)
          .hasMessageStartingWith("failed to list bucket snapshots").hasMessageContaining(code)
          .hasNoCause();
      for (Throwable t : new Throwable[] {put, list}) {
        assertThat(t.toString()).doesNotContain(S3Server.ACCESS_KEY, S3Server.SECRET_KEY, WRONG_SECRET, WRONG_ACCESS);
      }
    }
    assertThat(file).exists();
  }

  @Test
  void interruptedUploadIsAborted() throws Exception {
    Path file = TestSnapshots.writeMiB(tmp.resolve("etcd-snapshot-n1-1700000000"), 30, 2);
    PartGate gate = new PartGate();
    try (S3SnapshotStore store = gatedStore(gate, "20s")) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicBoolean interruptKept = new AtomicBoolean();
      Thread uploader = new Thread(() -> {
        try {
          store.put(file, S3SnapshotStoreIT.metadata("etcd-snapshot-n1-1700000000", "n1", Map.of()));
        } catch (Throwable t) {
          failure.set(t);
          interruptKept.set(Thread.currentThread().isInterrupted());
        }
      });
      uploader.start();
      assertThat(gate.firstPartDone.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.client().listMultipartUploads(l -> l.bucket(BUCKET)).uploads())
          .as("the server does list an upload in progress").hasSize(1);
      uploader.interrupt();
      uploader.join(30_000);
      gate.release.countDown();
      assertThat(failure.get()).isInstanceOf(InterruptedIOException.class)
          .hasMessageContaining("multipart upload was aborted");
      assertThat(interruptKept).isTrue();
    }
    assertNoUploadsLeft();
    assertThat(server.client().listObjectsV2(l -> l.bucket(BUCKET)).contents()).isEmpty();
    assertThat(file).exists();
  }

  @Test
  void serverStoppedMidUploadAbortsOnceItIsBack() throws Exception {
    Path file = TestSnapshots.writeMiB(tmp.resolve("etcd-snapshot-n1-1700000000"), 30, 3);
    PartGate gate = new PartGate();
    try (S3SnapshotStore store = gatedStore(gate, "20s")) {
      CompletableFuture<Object> put = CompletableFuture.supplyAsync(() -> {
        try {
          return store.put(file, S3SnapshotStoreIT.metadata("etcd-snapshot-n1-1700000000", "n1", Map.of()));
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      assertThat(gate.firstPartDone.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.client().listMultipartUploads(l -> l.bucket(BUCKET)).uploads()).hasSize(1);
      server.stop();
      gate.release.countDown();
      // The next part fails against the dead server; the abort keeps retrying until the server is back.
      Thread.sleep(1500);
      server.restart();
      Throwable t = catchThrown(() -> put.get(60, TimeUnit.SECONDS));
      assertThat(t).isInstanceOf(ExecutionException.class);
      assertThat(t.getCause().getCause()).isInstanceOf(IOException.class)
          .hasMessageStartingWith("failed to upload etcd-snapshot-n1-1700000000 to bucket snapshots: ");
    }
    assertThat(logs.text()).contains("Aborted the multipart upload of etcd-snapshot-n1-1700000000");
    assertNoUploadsLeft();
    assertThat(file).exists();
  }

  @Test
  void serverThatStaysDownGivesAClearErrorAndNamesTheUploadLeftBehind() throws Exception {
    Path file = TestSnapshots.writeMiB(tmp.resolve("etcd-snapshot-n1-1700000000"), 30, 4);
    PartGate gate = new PartGate();
    try (S3SnapshotStore store = gatedStore(gate, "2s")) {
      CompletableFuture<Object> put = CompletableFuture.supplyAsync(() -> {
        try {
          return store.put(file, S3SnapshotStoreIT.metadata("etcd-snapshot-n1-1700000000", "n1", Map.of()));
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      assertThat(gate.firstPartDone.await(30, TimeUnit.SECONDS)).isTrue();
      server.stop();
      gate.release.countDown();
      Throwable t = catchThrown(() -> put.get(60, TimeUnit.SECONDS));
      assertThat(t.getCause().getCause()).isInstanceOf(IOException.class)
          .hasMessageStartingWith("failed to upload etcd-snapshot-n1-1700000000 to bucket snapshots: ");
    }
    assertThat(logs.text()).contains("Could not abort multipart upload")
        .contains("of etcd-snapshot-n1-1700000000 in bucket snapshots");
    assertThat(file).exists();
    server.restart(); // so that close() stops a running server
  }

  private S3SnapshotStore gatedStore(PartGate gate, String timeout) {
    S3Settings settings = S3Settings.builder().secret(server.secret(BUCKET)).set(S3Settings.TIMEOUT, timeout).build();
    return S3SnapshotStore.builder(settings).partSize(5L << 20).multipartThreshold(5L << 20).partsInFlight(1)
        .interceptor(gate).build();
  }

  private void assertNoUploadsLeft() {
    assertThat(server.client().listMultipartUploads(l -> l.bucket(BUCKET)).uploads()).isEmpty();
  }

  private static Throwable catchThrown(ThrowingRunnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
