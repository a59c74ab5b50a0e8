package dev.etcdsnapshot.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A second real S3 implementation for tests beside {@link S3Server}: npm's {@code s3rver} 3.7.1, run as a separate
 * {@code node} process on 127.0.0.1 with a random port and a temporary directory. It checks SigV4 signatures but
 * does not understand {@code aws-chunked} bodies: it stores them as they arrive, framing included, which is what
 * several S3-compatible stores do and why it is here — a client that sends framing fails the byte comparisons.
 *
 * <p>{@code .ci/run} installs it ({@code npm ci --prefix test-servers/s3rver}); without it a test is skipped, and
 * under {@code CI=true} it fails. With {@link #startTls} it serves HTTPS only (s3rver has one listener), with a
 * certificate of the given test CA.
 */
public final class S3rverServer implements AutoCloseable {

  /** The key pair s3rver accepts (its built-in dummy account). */
  public static final String ACCESS_KEY = "S3RVER";
  public static final String SECRET_KEY = "S3RVER";

  private static final Path SCRIPT = Path.of("test-servers/s3rver/node_modules/s3rver/bin/s3rver.js");
  private static final Pattern LISTENING = Pattern.compile("S3rver listening on (\\S+):(\\d+)");

  private final Process process;
  private final Path dir;
  private final boolean tls;
  private final TestCertificates certificates;
  private final int port;
  private final StringBuilder output = new StringBuilder();
  private S3Client client;

  private S3rverServer(TestCertificates certificates) throws IOException, InterruptedException {
    dir = Files.createTempDirectory("s3rver-");
    tls = certificates != null;
    this.certificates = certificates;
    var command = new java.util.ArrayList<>(java.util.List.of(
        "node", SCRIPT.toAbsolutePath().toString(), "-d", dir.resolve("data").toString(), "-a", "127.0.0.1",
        "-p", "0", "--no-vhost-buckets"));
    if (tls) {
      Path key = Files.writeString(dir.resolve("server.key"), certificates.serverKeyPem());
      Path cert = Files.writeString(dir.resolve("server.crt"), certificates.serverCertificatePem());
      command.addAll(java.util.List.of("--key", key.toString(), "--cert", cert.toString()));
    }
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> readOutput(listening), "s3rver-output");
    reader.setDaemon(true);
    reader.start();
    try {
      port = listening.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("s3rver did not start: " + output, e);
    }
  }

  /** Skips the test when s3rver is not installed; with {@code CI=true} fails it. */
  public static void requireInstalled() {
    boolean present = Files.isRegularFile(SCRIPT);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(SCRIPT + " is missing although CI=true: .ci/run installs it with "
          + "npm ci --prefix test-servers/s3rver");
    }
    assumeTrue(present, "s3rver not installed (npm ci --prefix test-servers/s3rver)");
  }

  /** s3rver over plain HTTP. */
  public static S3rverServer start() throws IOException, InterruptedException {
    requireInstalled();
    return new S3rverServer(null);
  }

  /** s3rver over HTTPS with a server certificate signed by {@code certificates}' CA. */
  public static S3rverServer startTls(TestCertificates certificates) throws IOException, InterruptedException {
    requireInstalled();
    return new S3rverServer(certificates);
  }

  /** {@code 127.0.0.1:<port>}. */
  public String endpoint() {
    return "127.0.0.1:" + port;
  }

  public boolean tls() {
    return tls;
  }

  /** The k3s Secret data that reaches this server (plain HTTP, or HTTPS with {@code caPem}), for {@code bucket}. */
  public Map<String, String> secret(String bucket, String caPem) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("etcd-s3-endpoint", endpoint());
    m.put("etcd-s3-insecure", String.valueOf(!tls));
    if (tls) {
      m.put("etcd-s3-endpoint-ca", caPem);
    }
    m.put("etcd-s3-access-key", ACCESS_KEY);
    m.put("etcd-s3-secret-key", SECRET_KEY);
    m.put("etcd-s3-bucket", bucket);
    m.put("etcd-s3-region", "us-east-1");
    return m;
  }

  /**
   * An admin client for setting up and reading back. It never sends aws-chunked bodies (chunked encoding off), so
   * what it puts is stored as given; over HTTPS it trusts the test CA.
   */
  public synchronized S3Client client() {
    if (client == null) {
      Apache5HttpClient.Builder http = Apache5HttpClient.builder();
      if (certificates != null) {
        http.tlsSocketStrategy(new DefaultClientTlsStrategy(trusting(certificates)));
      }
      client = S3Client.builder()
          .httpClientBuilder(http)
          .endpointOverride(URI.create((tls ? "https://" : "http://") + endpoint()))
          .region(Region.US_EAST_1)
          .forcePathStyle(true)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
          .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
          .build();
    }
    return client;
  }

  public S3rverServer createBucket(String bucket) {
    client().createBucket(b -> b.bucket(bucket));
    return this;
  }

  /** What the process printed so far (for failure messages). */
  public String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  @Override
  public void close() throws Exception {
    if (client != null) {
      client.close();
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
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

  private static SSLContext trusting(TestCertificates certificates) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", certificates.caCertificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void readOutput(CompletableFuture<Integer> listening) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (output) {
          if (output.length() < 64 * 1024) {
            output.append(line).append('\n');
          }
        }
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          listening.complete(Integer.parseInt(m.group(2)));
        }
      }
    } catch (IOException e) {
      listening.completeExceptionally(e);
    }
    listening.completeExceptionally(new IOException("s3rver exited"));
  }
}
