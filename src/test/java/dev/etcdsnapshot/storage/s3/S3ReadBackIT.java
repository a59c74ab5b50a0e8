package dev.etcdsnapshot.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.engine.file.SnapshotZipWriter;
import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.testing.S3Server;
import dev.etcdsnapshot.testing.S3rverServer;
import dev.etcdsnapshot.testing.TestSnapshots;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The read-back of every upload, against both real S3 servers: a store that keeps other bytes than were sent (here
 * an SDK interceptor changes the body before it is signed, so the server stores it faithfully) fails the upload,
 * the object and its metadata object are deleted, the local file stays as it was. And what retention asks of a
 * store: whether it holds a proven copy of a local file, whether a listed object is shaped like a snapshot.
 */
class S3ReadBackIT {

  private static final String BUCKET = "read-back";
  private static final Instant TIME = Instant.ofEpochSecond(1_700_000_000L);

  private static S3Server s3proxy;
  private static S3rverServer s3rver;
  @TempDir static Path tmp;
  private static Path raw;
  private static Path rawBig;
  private static Path zip;

  @BeforeAll
  static void start() throws Exception {
    s3proxy = S3Server.builder().start().createBucket(BUCKET);
    s3rver = S3rverServer.start().createBucket(BUCKET);
    raw = TestSnapshots.write(tmp.resolve("etcd-snapshot-node1-1700000000"), 64, 1);
    rawBig = TestSnapshots.writeMiB(tmp.resolve("etcd-snapshot-node1-1700000001"), 11, 2);
    zip = tmp.resolve("etcd-snapshot-node1-1700000002.zip");
    try (InputStream in = Files.newInputStream(raw); OutputStream out = Files.newOutputStream(zip)) {
      new SnapshotZipWriter(1, SnapshotZipWriter.DEFAULT_LEVEL).write(in, out, "etcd-snapshot-node1-1700000002",
          TIME);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (s3proxy != null) {
      s3proxy.close();
    }
    if (s3rver != null) {
      s3rver.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3proxy", "s3rver"})
  void aStoredTrailerThatDiffersFailsTheUploadAndDeletesTheObject(String server) throws Exception {
    assertUploadRefused(server, raw, new Corrupting(Corrupting.LAST_BYTE), "raw");
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3proxy", "s3rver"})
  void aMultipartObjectWithOtherLastBytesIsRefused(String server) throws Exception {
    assertUploadRefused(server, rawBig, new Corrupting(Corrupting.LAST_BYTE), "multipart");
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3proxy", "s3rver"})
  void aZipWhoseLocalHeaderDiffersIsRefused(String server) throws Exception {
    assertUploadRefused(server, zip, new Corrupting(10), "zip");
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3proxy", "s3rver"})
  void aGoodUploadIsProvenAndAPlantedFramedObjectIsNot(String server) throws Exception {
    String folder = server + "/copies";
    try (S3SnapshotStore store = store(server, folder, null)) {
      String name = raw.getFileName().toString();
      store.put(raw, metadata(name, Map.of()));
      assertThat(store.holdsCopyOf(name, raw)).isTrue();

      // What a store that keeps aws-chunked framing holds: the chunk header, the data, the final chunk.
      String framedName = "etcd-snapshot-node1-1700000005";
      byte[] data = Files.readAllBytes(raw);
      byte[] framed = framed(data);
      client(server).putObject(p -> p.bucket(BUCKET).key(folder + "/" + framedName), RequestBody.fromBytes(framed));
      Path local = Files.copy(raw, tmp.resolve(server + "-" + framedName));
      assertThat(store.holdsCopyOf(framedName, local)).isFalse();
      assertThat(store.holdsCopyOf("etcd-snapshot-node1-1700000009", local)).isFalse();
      assertThat(store.intact(listed(framedName, framed.length, false))).isFalse();
      assertThat(store.intact(listed(name, data.length, false))).isTrue();

      String zipName = zip.getFileName().toString();
      store.put(zip, metadata(zipName, Map.of()));
      byte[] zipBytes = Files.readAllBytes(zip);
      assertThat(store.intact(listed(zipName, zipBytes.length, true))).isTrue();
      String framedZip = "etcd-snapshot-node1-1700000006.zip";
      client(server).putObject(p -> p.bucket(BUCKET).key(folder + "/" + framedZip),
          RequestBody.fromBytes(framed(zipBytes)));
      assertThat(store.intact(listed(framedZip, zipBytes.length + 100, true))).isFalse();
    }
  }

  private void assertUploadRefused(String server, Path file, Corrupting corrupting, String kind) throws Exception {
    String folder = server + "/refused-" + kind;
    String name = file.getFileName().toString();
    byte[] before = Files.readAllBytes(file);
    try (S3SnapshotStore store = store(server, folder, corrupting)) {
      assertThatThrownBy(() -> store.put(file, metadata(name, Map.of("a", "b"))))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("the uploaded object s3://" + BUCKET + "/" + folder + "/" + name
              + " is not the snapshot (")
          .hasMessageContaining("the object was deleted");
    }
    assertThat(corrupting.corrupted).as("the interceptor changed a body").isTrue();
    assertThatThrownBy(() -> client(server).headObject(h -> h.bucket(BUCKET).key(folder + "/" + name)))
        .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class);
    assertThat(client(server).listObjectsV2(l -> l.bucket(BUCKET).prefix(folder + "/")).contents()).isEmpty();
    assertThat(Files.readAllBytes(file)).as("the local file is untouched").isEqualTo(before);
  }

  private static byte[] framed(byte[] data) {
    byte[] head = (Integer.toHexString(data.length) + ";chunk-signature=" + "0".repeat(64) + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] tail = ("\r\n0;chunk-signature=" + "1".repeat(64) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + data.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(data, 0, out, head.length, data.length);
    System.arraycopy(tail, 0, out, head.length + data.length, tail.length);
    return out;
  }

  private static StoredSnapshot listed(String name, long size, boolean zip) {
    return new StoredSnapshot(name, StorageKind.S3, "s3://" + BUCKET + "/" + name, size, TIME, "node1", null,
        Map.of());
  }

  private static S3SnapshotStore store(String server, String folder, ExecutionInterceptor interceptor) {
    Map<String, String> secret = server.equals("s3proxy") ? s3proxy.secret(BUCKET) : s3rver.secret(BUCKET, null);
    secret.put(S3Settings.FOLDER, folder);
    S3StoreBuilder b = S3SnapshotStore.builder(S3Settings.fromSecret(secret))
        .partSize(5L << 20).multipartThreshold(5L << 20).partsInFlight(1);
    if (interceptor != null) {
      b.interceptor(interceptor);
    }
    return b.build();
  }

  private static S3Client client(String server) {
    return server.equals("s3proxy") ? s3proxy.client() : s3rver.client();
  }

  private static SnapshotMetadata metadata(String name, Map<String, String> extra) {
    return new SnapshotMetadata(name, "node1", TIME, "uid-1", null, null, extra);
  }

  /**
   * Changes one byte of every snapshot body (a PUT outside {@code .metadata/}, or the last part of a multipart
   * upload) before the SDK signs it: the server stores what it got, which is not the file.
   */
  private static final class Corrupting implements ExecutionInterceptor {
    static final int LAST_BYTE = -1;
    private final int offset;
    volatile boolean corrupted;

    Corrupting(int offset) {
      this.offset = offset;
    }

    @Override
    public Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context,
        ExecutionAttributes attributes) {
      Object request = context.request();
      boolean snapshotPut = request instanceof PutObjectRequest p && !p.key().contains("/.metadata/");
      boolean lastPart = request instanceof UploadPartRequest u && u.partNumber() == 3;
      if (!(snapshotPut || lastPart) || context.requestBody().isEmpty()) {
        return context.requestBody();
      }
      try (InputStream in = context.requestBody().get().contentStreamProvider().newStream()) {
        byte[] body = in.readAllBytes();
        int at = offset == LAST_BYTE ? body.length - 1 : offset;
        body[at] ^= 0x5a;
        corrupted = true;
        return Optional.of(RequestBody.fromBytes(body));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
