package dev.etcdsnapshot.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * A real S3 server for tests: S3Proxy in-process on 127.0.0.1 with a random port, AWS v2/v4 signatures checked
 * against {@link #ACCESS_KEY}/{@link #SECRET_KEY}, an in-memory (default) or directory-backed blob store, and
 * {@code ignoreUnknownHeaders(true)} because the AWS SDK sends headers S3Proxy does not know.
 *
 * <p>Usage: {@code try (S3Server s3 = S3Server.builder().start()) { s3.createBucket("b"); ... s3.secret("b") }}.
 * With {@link Builder#tls(TestCertificates)} it also serves HTTPS (see {@link #secureEndpoint()}) with a
 * certificate signed by that test CA; plain HTTP stays available for {@link #client()}. {@link #stop()} kills it
 * (in-flight requests included), {@link #restart()} brings it back on the same port with the same data.
 */
public final class S3Server implements AutoCloseable {

  /** The identity S3Proxy accepts. Obviously fake, but long and unique so leak checks cannot match by chance. */
  public static final String ACCESS_KEY = "AKIATESTACCESSKEY7Q3Z";
  public static final String SECRET_KEY = "tEsT/sEcReT+kEy/9x8c7v6b5n4m3q2w1e0rT5yU";
  public static final String REGION = "us-east-1";

  private final Builder config;
  private final BlobStore blobStore;
  private final Path ownedDir;
  private S3Proxy proxy;
  private int port;
  private int securePort;
  private S3Client client;

  private S3Server(Builder config) throws Exception {
    this.config = config;
    if (config.filesystem) {
      ownedDir = Files.createTempDirectory("s3server-");
      blobStore = new FilesystemNio2BlobStore(ownedDir.toString());
    } else {
      ownedDir = null;
      blobStore = new TransientNio2BlobStore();
    }
    proxy = newProxy(0, 0);
    proxy.start();
    port = proxy.getPort();
    securePort = config.tls == null ? -1 : proxy.getSecurePort();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code 127.0.0.1:<port>}: the plain-HTTP endpoint as k3s's {@code etcd-s3-endpoint} wants it. With
   * {@link Builder#virtualHost} it is {@code <domain>:<port>} instead, because S3Proxy then reads any other
   * Host header as a bucket name.
   */
  public String endpoint() {
    return host() + ":" + port;
  }

  /** {@code 127.0.0.1:<port>} (or {@code <domain>:<port>}) of the HTTPS listener; only with {@link Builder#tls}. */
  public String secureEndpoint() {
    if (config.tls == null) {
      throw new IllegalStateException("started without tls()");
    }
    return host() + ":" + securePort;
  }

  private String host() {
    return config.virtualHost == null ? "127.0.0.1" : config.virtualHost;
  }

  public int port() {
    return port;
  }

  /** The k3s Secret data that reaches this server over plain HTTP, for {@code bucket}. */
  public Map<String, String> secret(String bucket) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("etcd-s3-endpoint", endpoint());
    m.put("etcd-s3-insecure", "true");
    m.put("etcd-s3-access-key", ACCESS_KEY);
    m.put("etcd-s3-secret-key", SECRET_KEY);
    m.put("etcd-s3-bucket", bucket);
    m.put("etcd-s3-region", REGION);
    return m;
  }

  /** A path-style admin client with the right credentials, over plain HTTP, for setting up and asserting. */
  public synchronized S3Client client() {
    if (client == null) {
      client = S3Client.builder()
          .httpClientBuilder(Apache5HttpClient.builder())
          .endpointOverride(URI.create("http://" + endpoint()))
          .region(Region.of(REGION))
          .forcePathStyle(true)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
          .build();
    }
    return client;
  }

  public S3Server createBucket(String bucket) {
    client().createBucket(b -> b.bucket(bucket));
    return this;
  }

  /**
   * Stores an object straight into the blob store, bypassing HTTP: for setting up thousands of objects quickly.
   * The object is what a PUT with these user metadata would have made.
   */
  public void putDirect(String bucket, String key, byte[] content, Map<String, String> userMetadata) {
    try {
      blobStore.putBlob(PutObjectRequest.builder().bucket(bucket).key(key).metadata(userMetadata)
          .contentLength((long) content.length).build(), new ByteArrayInputStream(content));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot store " + key, e);
    }
  }

  /** Stops the server at once, dropping in-flight requests; the data stays for {@link #restart()}. */
  public void stop() throws Exception {
    proxy.stop();
  }

  /** Starts a new server on the same port(s) over the same blob store. */
  public void restart() throws Exception {
    proxy = newProxy(port, Math.max(securePort, 0));
    proxy.start();
  }

  @Override
  public void close() throws Exception {
    if (client != null) {
      client.close();
    }
    try {
      proxy.stop();
    } finally {
      if (ownedDir != null) {
        deleteTree(ownedDir);
      }
    }
  }

  private S3Proxy newProxy(int httpPort, int httpsPort) {
    S3Proxy.Builder b = S3Proxy.builder()
        .blobStore(blobStore)
        .endpoint(URI.create("http://127.0.0.1:" + httpPort))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .ignoreUnknownHeaders(true)
        .stopTimeout(0);
    if (config.tls != null) {
      b.secureEndpoint(URI.create("https://127.0.0.1:" + httpsPort)).sslContext(config.tls.serverContext());
    }
    if (config.virtualHost != null) {
      b.virtualHost(config.virtualHost);
    }
    return b.build();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** How to start the server. */
  public static final class Builder {
    private TestCertificates tls;
    private String virtualHost;
    private boolean filesystem;

    private Builder() {}

    /** Also serve HTTPS with a server certificate signed by this test CA. */
    public Builder tls(TestCertificates certificates) {
      this.tls = certificates;
      return this;
    }

    /** Accept virtual-host requests {@code <bucket>.<domain>} (e.g. {@code localhost}). */
    public Builder virtualHost(String domain) {
      this.virtualHost = domain;
      return this;
    }

    /** Keep blobs in a temporary directory (deleted on close) instead of memory. */
    public Builder filesystem() {
      this.filesystem = true;
      return this;
    }

    public S3Server start() throws Exception {
      return new S3Server(this);
    }
  }
}
