package dev.etcdsnapshot.storage.s3;

import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.apache5.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Builds the SDK's synchronous S3 client for one {@link S3Settings}: Apache 5 HTTP client with the endpoint CA or
 * no verification, the proxy, path or virtual-host addressing, the checksum policy and per-call timeouts.
 */
final class S3ClientFactory {

  private static final Logger LOG = LoggerFactory.getLogger(S3ClientFactory.class);

  private S3ClientFactory() {}

  static S3Client create(S3Settings s, int maxConnections, List<ExecutionInterceptor> interceptors,
      DnsResolver dnsResolver) {
    Apache5HttpClient.Builder http = Apache5HttpClient.builder()
        .maxConnections(maxConnections)
        .connectionTimeout(min(s.timeout(), Duration.ofSeconds(30)))
        .socketTimeout(s.timeout());
    tls(s, http);
    proxy(s, http);
    if (dnsResolver != null) {
      http.dnsResolver(dnsResolver);
    }
    S3ClientBuilder b = S3Client.builder()
        .httpClientBuilder(http)
        .region(Region.of(s.region()))
        .credentialsProvider(credentials(s))
        .forcePathStyle(s.pathStyle())
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(chunkedEncoding(s)).build())
        .requestChecksumCalculation(s.checksum() == ChecksumPolicy.WHEN_REQUIRED
            ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
        .responseChecksumValidation(s.checksum() == ChecksumPolicy.WHEN_REQUIRED
            ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED)
        .overrideConfiguration(c -> {
          c.apiCallTimeout(s.timeout()).apiCallAttemptTimeout(s.timeout());
          interceptors.forEach(c::addExecutionInterceptor);
        });
    if (s.awsEndpoint() && s.endpoint().equals(S3Settings.DEFAULT_ENDPOINT) && !s.plainHttp()) {
      // Amazon's global endpoint: let the SDK pick the regional one and follow region redirects.
      b.crossRegionAccessEnabled(true);
    } else {
      b.endpointOverride(s.endpointUri());
    }
    return b.build();
  }

  /**
   * Whether request bodies may go out as {@code aws-chunked} (each chunk framed as {@code <hex>;chunk-signature=...},
   * checksums in a trailer). Only Amazon's own HTTPS endpoints get it: an S3-compatible store that does not decode
   * that framing stores it as the object's bytes (s3rver does; the issue saw it on another store), and over plain
   * HTTP the SDK signs every chunk. Without it the SDK signs the payload's SHA-256, read from the file before it is
   * sent (HTTP), or sends it unsigned over TLS (HTTPS), and any checksum goes in a header: the body is the file.
   */
  static boolean chunkedEncoding(S3Settings s) {
    return s.awsEndpoint() && !s.plainHttp();
  }

  private static AwsCredentialsProvider credentials(S3Settings s) {
    if (s.hasStaticCredentials()) {
      return StaticCredentialsProvider.create(s.sessionToken == null
          ? AwsBasicCredentials.create(s.accessKey, s.secretKey)
          : AwsSessionCredentials.create(s.accessKey, s.secretKey, s.sessionToken));
    }
    // Environment, profile, web identity (IRSA, via the sts module), container and instance profile; anonymous
    // when none resolves, as k3s (minio) does.
    return AwsCredentialsProviderChain.builder()
        .credentialsProviders(DefaultCredentialsProvider.builder().build(), AnonymousCredentialsProvider.create())
        .build();
  }

  private static void tls(S3Settings s, Apache5HttpClient.Builder http) {
    if (s.plainHttp()) {
      return;
    }
    try {
      if (s.skipSslVerify()) {
        LOG.warn("TLS certificate verification is OFF for S3 endpoint {} (etcd-s3-skip-ssl-verify): "
            + "any server can impersonate it", s.endpoint());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        http.tlsSocketStrategy(
            new DefaultClientTlsStrategy(ctx, HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE));
      } else if (!s.caCertificates().isEmpty()) {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, CaBundles.trustManagers(s.caCertificates()), new SecureRandom());
        http.tlsSocketStrategy(new DefaultClientTlsStrategy(ctx));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for the S3 endpoint: " + e.getMessage(), e);
    }
  }

  private static void proxy(S3Settings s, Apache5HttpClient.Builder http) {
    if (s.proxyDisabled()) {
      http.proxyConfiguration(ProxyConfiguration.builder()
          .useSystemPropertyValues(false).useEnvironmentVariableValues(false).build());
      return;
    }
    s.proxy().ifPresent(p -> {
      ProxyConfiguration.Builder pc = ProxyConfiguration.builder()
          .endpoint(URI.create(p.getScheme() + "://" + p.getHost() + (p.getPort() < 0 ? "" : ":" + p.getPort())))
          .useSystemPropertyValues(false)
          .useEnvironmentVariableValues(false);
      String userInfo = p.getRawUserInfo();
      if (userInfo != null) {
        int colon = userInfo.indexOf(':');
        pc.username(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
        if (colon >= 0) {
          pc.password(decode(userInfo.substring(colon + 1)));
        }
      }
      http.proxyConfiguration(pc.build());
    });
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  /** Accepts every certificate: only for etcd-s3-skip-ssl-verify, which the user chose explicitly. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
