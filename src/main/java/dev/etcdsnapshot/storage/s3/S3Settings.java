package dev.etcdsnapshot.storage.s3;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything needed to reach one S3 folder, validated once, immutable. Built from a k3s S3 Secret's
 * {@code etcd-s3-*} keys ({@link #fromSecret}) or from CLI flags ({@link Builder#set} with the same keys);
 * every invalid value fails with an {@link InvalidS3SettingException} that names the key and never repeats a
 * credential. {@link #toString()} redacts credentials. See {@link S3SettingsParser} for the rules.
 */
public final class S3Settings {

  public static final String ENDPOINT = "etcd-s3-endpoint";
  public static final String ENDPOINT_CA = "etcd-s3-endpoint-ca";
  /** Resolved by the operator (a kube-system ConfigMap); its bundles arrive via {@link Builder#caBundle}. */
  public static final String ENDPOINT_CA_NAME = "etcd-s3-endpoint-ca-name";
  public static final String SKIP_SSL_VERIFY = "etcd-s3-skip-ssl-verify";
  public static final String ACCESS_KEY = "etcd-s3-access-key";
  public static final String SECRET_KEY = "etcd-s3-secret-key";
  public static final String SESSION_TOKEN = "etcd-s3-session-token";
  public static final String BUCKET = "etcd-s3-bucket";
  public static final String BUCKET_LOOKUP_TYPE = "etcd-s3-bucket-lookup-type";
  public static final String REGION = "etcd-s3-region";
  public static final String FOLDER = "etcd-s3-folder";
  public static final String RETENTION = "etcd-s3-retention";
  public static final String PROXY = "etcd-s3-proxy";
  public static final String INSECURE = "etcd-s3-insecure";
  public static final String TIMEOUT = "etcd-s3-timeout";
  /** Ours, not k3s's: {@code when_supported} or {@code when_required}; unset = by endpoint (see ChecksumPolicy). */
  public static final String CHECKSUM = "etcd-s3-checksum";

  /** Every key this type reads; other keys in a Secret are ignored, as k3s ignores them. */
  public static final Set<String> KEYS = Set.of(ENDPOINT, ENDPOINT_CA, ENDPOINT_CA_NAME, SKIP_SSL_VERIFY,
      ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, BUCKET, BUCKET_LOOKUP_TYPE, REGION, FOLDER, RETENTION, PROXY,
      INSECURE, TIMEOUT, CHECKSUM);

  /** Keys whose values are never printed, not even in part. */
  public static final Set<String> CREDENTIAL_KEYS = Set.of(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN);

  public static final String DEFAULT_ENDPOINT = "s3.amazonaws.com";
  public static final String DEFAULT_REGION = "us-east-1";
  public static final int DEFAULT_RETENTION = 5;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  final String endpoint;
  final boolean plainHttp;
  final boolean insecure;
  final String endpointCa;
  final String endpointCaName;
  final List<X509Certificate> caCertificates;
  final boolean skipSslVerify;
  final String accessKey;
  final String secretKey;
  final String sessionToken;
  final String bucket;
  final BucketLookup bucketLookup;
  final String region;
  final String folder;
  final int retention;
  final boolean retentionSet;
  final URI proxy;
  final boolean proxyDisabled;
  final Duration timeout;
  final ChecksumPolicy checksum;

  S3Settings(S3SettingsParser p) {
    this.endpoint = p.endpoint;
    this.plainHttp = p.plainHttp;
    this.insecure = p.insecure;
    this.endpointCa = p.endpointCa;
    this.endpointCaName = p.endpointCaName;
    this.caCertificates = List.copyOf(p.caCertificates);
    this.skipSslVerify = p.skipSslVerify;
    this.accessKey = p.accessKey;
    this.secretKey = p.secretKey;
    this.sessionToken = p.sessionToken;
    this.bucket = p.bucket;
    this.bucketLookup = p.bucketLookup;
    this.region = p.region;
    this.folder = p.folder;
    this.retention = p.retention;
    this.retentionSet = p.retentionSet;
    this.proxy = p.proxy;
    this.proxyDisabled = p.proxyDisabled;
    this.timeout = p.timeout;
    this.checksum = p.checksum;
  }

  /** A builder with nothing set: k3s defaults apply to every key left out. */
  public static Builder builder() {
    return new Builder();
  }

  /** Settings from a k3s S3 Secret's data (decoded strings), without extra CA bundles. */
  public static S3Settings fromSecret(Map<String, String> data) {
    return builder().secret(data).build();
  }

  /**
   * Settings from a k3s S3 Secret's data plus the CA bundles of the ConfigMap named by
   * {@code etcd-s3-endpoint-ca-name} (every value of its data and binaryData, as text).
   */
  public static S3Settings fromSecret(Map<String, String> data, List<String> caBundles) {
    Builder b = builder().secret(data);
    caBundles.forEach(b::caBundle);
    return b.build();
  }

  /** {@code host} or {@code host:port}, without scheme: what k3s writes into {@code spec.s3.endpoint}. */
  public String endpoint() {
    return endpoint;
  }

  /** {@code http://} or {@code https://} + {@link #endpoint()}. */
  public URI endpointUri() {
    return URI.create((plainHttp ? "http://" : "https://") + endpoint);
  }

  /**
   * True when the connection is plain HTTP: the endpoint's own scheme when it has one (it wins over
   * {@code etcd-s3-insecure}), else {@code etcd-s3-insecure}. Use this for {@code spec.s3.insecure}.
   */
  public boolean plainHttp() {
    return plainHttp;
  }

  /** {@code etcd-s3-insecure} as configured. */
  public boolean insecure() {
    return insecure;
  }

  /** {@code etcd-s3-endpoint-ca} as configured (PEM, base64 PEM or paths), empty when unset. */
  public String endpointCa() {
    return endpointCa;
  }

  /** {@code etcd-s3-endpoint-ca-name}: the ConfigMap the operator reads CA bundles from, empty when unset. */
  public String endpointCaName() {
    return endpointCaName;
  }

  /** The CA certificates to trust instead of the JDK's; empty means the JDK's default trust store. */
  public List<X509Certificate> caCertificates() {
    return caCertificates;
  }

  /** True when server certificates are not verified at all (wins over the CA). */
  public boolean skipSslVerify() {
    return skipSslVerify;
  }

  /** True when an access key and secret key are configured; otherwise the AWS default credentials chain is used. */
  public boolean hasStaticCredentials() {
    return accessKey != null;
  }

  public String bucket() {
    return bucket;
  }

  public BucketLookup bucketLookup() {
    return bucketLookup;
  }

  /** True when requests use path-style addressing, after resolving {@link BucketLookup#AUTO} as minio does. */
  public boolean pathStyle() {
    return S3SettingsParser.pathStyle(bucketLookup, endpoint, bucket, plainHttp);
  }

  public String region() {
    return region;
  }

  /** {@code etcd-s3-folder} as configured (k3s's {@code spec.s3.prefix}); empty for the bucket root. */
  public String folder() {
    return folder;
  }

  /** Snapshots to keep per name prefix in S3; 0 keeps all. */
  public int retention() {
    return retention;
  }

  /** True when {@code etcd-s3-retention} was given (k3s's CLI save prunes S3 only then). */
  public boolean retentionSet() {
    return retentionSet;
  }

  /** The proxy to use; empty means the JVM/environment proxy settings, unless {@link #proxyDisabled()}. */
  public Optional<URI> proxy() {
    return Optional.ofNullable(proxy);
  }

  /** True for {@code etcd-s3-proxy: none}: no proxy, whatever the environment says. */
  public boolean proxyDisabled() {
    return proxyDisabled;
  }

  /** The budget of every S3 call. */
  public Duration timeout() {
    return timeout;
  }

  public ChecksumPolicy checksum() {
    return checksum;
  }

  /** True when the endpoint is Amazon's own (checksums default on, cross-region redirects followed). */
  public boolean awsEndpoint() {
    return S3SettingsParser.isAws(endpoint);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof S3Settings)) {
      return false;
    }
    S3Settings s = (S3Settings) o;
    return plainHttp == s.plainHttp && insecure == s.insecure && skipSslVerify == s.skipSslVerify
        && retention == s.retention && retentionSet == s.retentionSet && proxyDisabled == s.proxyDisabled
        && endpoint.equals(s.endpoint) && endpointCa.equals(s.endpointCa)
        && endpointCaName.equals(s.endpointCaName) && caCertificates.equals(s.caCertificates)
        && Objects.equals(accessKey, s.accessKey) && Objects.equals(secretKey, s.secretKey)
        && Objects.equals(sessionToken, s.sessionToken) && bucket.equals(s.bucket)
        && bucketLookup == s.bucketLookup && region.equals(s.region) && folder.equals(s.folder)
        && Objects.equals(proxy, s.proxy) && timeout.equals(s.timeout) && checksum == s.checksum;
  }

  @Override
  public int hashCode() {
    return Objects.hash(endpoint, plainHttp, bucket, folder, region, accessKey, secretKey, sessionToken, timeout);
  }

  /** Every setting, with credentials shown only as set or unset and the proxy without user info. */
  @Override
  public String toString() {
    return "S3Settings{endpoint=" + endpointUri() + ", bucket=" + bucket + ", folder=" + folder
        + ", region=" + region + ", bucketLookup=" + bucketLookup.value() + ", pathStyle=" + pathStyle()
        + ", caCertificates=" + caCertificates.size() + ", skipSslVerify=" + skipSslVerify
        + ", accessKey=" + redacted(accessKey) + ", secretKey=" + redacted(secretKey)
        + ", sessionToken=" + redacted(sessionToken)
        + ", proxy=" + (proxyDisabled ? "none" : proxy == null ? "environment" : S3SettingsParser.safeProxy(proxy))
        + ", retention=" + retention + ", timeout=" + GoDuration.format(timeout) + ", checksum=" + checksum + "}";
  }

  private static String redacted(String value) {
    return value == null ? "<unset>" : "<redacted>";
  }

  /**
   * Collects raw {@code etcd-s3-*} values (from a Secret, flags or both; the last one set wins) and CA bundles,
   * then validates them all in {@link #build()}.
   */
  public static final class Builder {
    private final Map<String, String> raw = new LinkedHashMap<>();
    private final List<String> caBundles = new ArrayList<>();

    private Builder() {}

    /** Takes every known {@code etcd-s3-*} key of a Secret's data; present-but-empty values are kept. */
    public Builder secret(Map<String, String> data) {
      data.forEach((k, v) -> {
        if (KEYS.contains(k) && v != null) {
          raw.put(k, v);
        }
      });
      return this;
    }

    /** Sets one key (e.g. from {@code --s3-bucket}); {@code null} unsets it. */
    public Builder set(String key, String value) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown S3 setting key " + key);
      }
      if (value == null) {
        raw.remove(key);
      } else {
        raw.put(key, value);
      }
      return this;
    }

    /** Adds one CA bundle text (PEM), e.g. a value of the ConfigMap named by {@code etcd-s3-endpoint-ca-name}. */
    public Builder caBundle(String pem) {
      caBundles.add(Objects.requireNonNull(pem, "pem"));
      return this;
    }

    /** Validates everything; the first invalid key is reported. */
    public S3Settings build() {
      return new S3Settings(new S3SettingsParser(raw, caBundles));
    }
  }
}
