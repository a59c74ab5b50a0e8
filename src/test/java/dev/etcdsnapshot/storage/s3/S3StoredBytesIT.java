package dev.etcdsnapshot.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.file.SnapshotZipWriter;
import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.testing.S3Server;
import dev.etcdsnapshot.testing.S3rverServer;
import dev.etcdsnapshot.testing.TestCertificates;
import dev.etcdsnapshot.testing.TestSnapshots;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The bytes an upload stores are exactly the snapshot's, on two S3 implementations (S3Proxy in-process and npm's
 * s3rver as a node process), over HTTP and HTTPS, raw and compressed, single PUT and multipart. s3rver stores an
 * aws-chunked body with its framing, so a client that sends framing fails here (it did before chunked encoding was
 * turned off: the object was ~0.07% larger, {@code <hex>;chunk-signature=...} inside).
 */
class S3StoredBytesIT {

  private static final String BUCKET = "stored-bytes";
  private static final TestCertificates CERTS = TestCertificates.generate("stored-bytes");
  private static final Instant TIME = Instant.ofEpochSecond(1_700_000_000L);

  private static S3Server s3proxy;
  private static S3rverServer s3rverHttp;
  private static S3rverServer s3rverHttps;

  @TempDir static Path tmp;
  private static Path rawSmall;
  private static Path rawBig;
  private static Path zipSmall;
  private static Path zipBig;

  @BeforeAll
  static void start() throws Exception {
    s3proxy = S3Server.builder().tls(CERTS).start().createBucket(BUCKET);
    s3rverHttp = S3rverServer.start().createBucket(BUCKET);
    s3rverHttps = S3rverServer.startTls(CERTS).createBucket(BUCKET);
    rawSmall = TestSnapshots.write(tmp.resolve("etcd-snapshot-node1-1700000000"), 2048, 1);
    rawBig = TestSnapshots.writeMiB(tmp.resolve("etcd-snapshot-node1-1700000001"), 11, 2);
    zipSmall = zip(rawSmall, "etcd-snapshot-node1-1700000002");
    zipBig = zip(rawBig, "etcd-snapshot-node1-1700000003");
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {s3proxy, s3rverHttp, s3rverHttps}) {
      if (c != null) {
        c.close();
      }
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (String server : List.of("s3proxy-http", "s3proxy-https", "s3rver-http", "s3rver-https")) {
      for (String file : List.of("raw-single", "raw-multipart", "zip-single", "zip-multipart")) {
        all.add(Arguments.of(server, file));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void storedBytesAreTheSnapshot(String server, String kind) throws Exception {
    Path file = switch (kind) {
      case "raw-single" -> rawSmall;
      case "raw-multipart" -> rawBig;
      case "zip-single" -> zipSmall;
      default -> zipBig;
    };
    String folder = server + "/" + kind;
    try (S3SnapshotStore store = S3SnapshotStore.builder(S3Settings.fromSecret(secret(server, folder)))
        .partSize(5L << 20).multipartThreshold(5L << 20).partsInFlight(2).build()) {
      String name = file.getFileName().toString();
      store.put(file, new SnapshotMetadata(name, "node1", TIME, "uid-1", null, null, Map.of()));
      byte[] stored;
      try (InputStream in = client(server).getObject(g -> g.bucket(BUCKET).key(folder + "/" + name))) {
        stored = in.readAllBytes();
      }
      assertThat(stored.length).as("stored size").isEqualTo(Files.size(file));
      assertThat(stored).as("stored bytes").isEqualTo(Files.readAllBytes(file));
    }
  }

  /** With the SDK's checksums on every request (AWS's default) the body must still be the file, checksum aside. */
  @ParameterizedTest(name = "{0} {1} when_supported")
  @MethodSource("cases")
  void checksumsOnEveryRequestStillStoreExactBytes(String server, String kind) throws Exception {
    if (!kind.startsWith("raw")) {
      return; // the framing does not depend on the content; raw single and multipart cover both paths
    }
    Path file = kind.equals("raw-single") ? rawSmall : rawBig;
    String folder = server + "/" + kind + "-when-supported";
    Map<String, String> secret = secret(server, folder);
    secret.put(S3Settings.CHECKSUM, "when_supported");
    try (S3SnapshotStore store = S3SnapshotStore.builder(S3Settings.fromSecret(secret))
        .partSize(5L << 20).multipartThreshold(5L << 20).partsInFlight(2).build()) {
      String name = file.getFileName().toString();
      store.put(file, new SnapshotMetadata(name, "node1", TIME, "uid-1", null, null, Map.of()));
      byte[] stored;
      try (InputStream in = client(server).getObject(g -> g.bucket(BUCKET).key(folder + "/" + name))) {
        stored = in.readAllBytes();
      }
      assertThat(stored).as("stored bytes").isEqualTo(Files.readAllBytes(file));
    }
  }

  private static Map<String, String> secret(String server, String folder) {
    Map<String, String> m = switch (server) {
      case "s3proxy-http" -> s3proxy.secret(BUCKET);
      case "s3proxy-https" -> {
        Map<String, String> s = s3proxy.secret(BUCKET);
        s.put(S3Settings.ENDPOINT, s3proxy.secureEndpoint());
        s.put(S3Settings.INSECURE, "false");
        s.put(S3Settings.ENDPOINT_CA, CERTS.caPem());
        yield s;
      }
      case "s3rver-http" -> s3rverHttp.secret(BUCKET, null);
      default -> s3rverHttps.secret(BUCKET, CERTS.caPem());
    };
    m.put(S3Settings.FOLDER, folder);
    return m;
  }

  private static S3Client client(String server) {
    return server.startsWith("s3proxy") ? s3proxy.client()
        : server.endsWith("https") ? s3rverHttps.client() : s3rverHttp.client();
  }

  private static Path zip(Path raw, String entry) throws Exception {
    Path zip = tmp.resolve(entry + ".zip");
    try (InputStream in = Files.newInputStream(raw); OutputStream out = Files.newOutputStream(zip)) {
      new SnapshotZipWriter(2, SnapshotZipWriter.DEFAULT_LEVEL).write(in, out, entry, TIME);
    }
    return zip;
  }
}
