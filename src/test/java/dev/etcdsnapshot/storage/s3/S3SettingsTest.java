package dev.etcdsnapshot.storage.s3;

import static dev.etcdsnapshot.storage.s3.S3Settings.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.testing.TestCertificates;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3SettingsTest {

  private static final String ACCESS = "AKIAUNITTESTACCESS01";
  private static final String SECRET = "uNiT/tEsT+sEcReT/kEy/0123456789abcdefghij";
  private static final String TOKEN = "FwoGZXIvYXdzEUnitTestSessionTokenValue==";
  private static final TestCertificates CERTS = TestCertificates.generate("settings");

  @TempDir Path tmp;

  @Test
  void k3sDefaultsWithOnlyABucket() {
    S3Settings s = build(Map.of(BUCKET, "backups"));
    assertThat(s.endpoint()).isEqualTo("s3.amazonaws.com");
    assertThat(s.endpointUri()).isEqualTo(URI.create("https://s3.amazonaws.com"));
    assertThat(s.plainHttp()).isFalse();
    assertThat(s.region()).isEqualTo("us-east-1");
    assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.retention()).isEqualTo(5);
    assertThat(s.retentionSet()).isFalse();
    assertThat(s.bucketLookup()).isEqualTo(BucketLookup.AUTO);
    assertThat(s.pathStyle()).as("AWS with a DNS-safe name: virtual host, as minio").isFalse();
    assertThat(s.checksum()).isEqualTo(ChecksumPolicy.WHEN_SUPPORTED);
    assertThat(s.hasStaticCredentials()).as("AWS default credentials chain").isFalse();
    assertThat(s.proxy()).isEmpty();
    assertThat(s.proxyDisabled()).isFalse();
    assertThat(s.folder()).isEmpty();
    assertThat(s.caCertificates()).isEmpty();
    assertThat(s.skipSslVerify()).isFalse();
  }

  @Test
  void everyKeyIsRead() {
    Map<String, String> secret = new HashMap<>();
    secret.put(ENDPOINT, "minio.example:9000");
    secret.put(ENDPOINT_CA, CERTS.caPem());
    secret.put(ENDPOINT_CA_NAME, "s3-ca");
    secret.put(SKIP_SSL_VERIFY, "false");
    secret.put(ACCESS_KEY, ACCESS);
    secret.put(SECRET_KEY, SECRET);
    secret.put(SESSION_TOKEN, TOKEN);
    secret.put(BUCKET, "backups");
    secret.put(BUCKET_LOOKUP_TYPE, "Path");
    secret.put(REGION, "eu-central-1");
    secret.put(FOLDER, "k3s/prod");
    secret.put(RETENTION, "12");
    secret.put(PROXY, "http://proxy.example:3128");
    secret.put(INSECURE, "false");
    secret.put(TIMEOUT, "1h30m");
    secret.put(CHECKSUM, "when-supported");
    S3Settings s = S3Settings.fromSecret(secret, List.of(TestCertificates.generate("configmap").caPem()));
    assertThat(s.endpoint()).isEqualTo("minio.example:9000");
    assertThat(s.endpointUri()).isEqualTo(URI.create("https://minio.example:9000"));
    assertThat(s.endpointCa()).isEqualTo(CERTS.caPem().trim());
    assertThat(s.endpointCaName()).isEqualTo("s3-ca");
    assertThat(s.caCertificates()).hasSize(2).contains(CERTS.caCertificate());
    assertThat(s.hasStaticCredentials()).isTrue();
    assertThat(s.bucket()).isEqualTo("backups");
    assertThat(s.bucketLookup()).isEqualTo(BucketLookup.PATH);
    assertThat(s.pathStyle()).isTrue();
    assertThat(s.region()).isEqualTo("eu-central-1");
    assertThat(s.folder()).isEqualTo("k3s/prod");
    assertThat(s.retention()).isEqualTo(12);
    assertThat(s.retentionSet()).isTrue();
    assertThat(s.proxy()).contains(URI.create("http://proxy.example:3128"));
    assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(90));
    assertThat(s.checksum()).isEqualTo(ChecksumPolicy.WHEN_SUPPORTED);
  }

  /** k3s: a present-but-empty key overrides the default; see S3SettingsParser for what we do with each. */
  @Test
  void presentButEmptyKeys() {
    Map<String, String> secret = new HashMap<>();
    for (String key : KEYS) {
      secret.put(key, "");
    }
    secret.put(BUCKET, "backups");
    secret.remove(ENDPOINT);
    S3Settings s = build(secret);
    assertThat(s.region()).isEqualTo("us-east-1");
    assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.retention()).isEqualTo(5);
    assertThat(s.retentionSet()).isFalse();
    assertThat(s.insecure()).isFalse();
    assertThat(s.skipSslVerify()).isFalse();
    assertThat(s.bucketLookup()).isEqualTo(BucketLookup.AUTO);
    assertThat(s.hasStaticCredentials()).isFalse();
    assertThat(s.proxy()).isEmpty();
    assertThat(s.caCertificates()).isEmpty();
    assertThat(s.folder()).isEmpty();

    secret.put(ENDPOINT, "");
    assertInvalid(secret, ENDPOINT, "etcd-s3-endpoint is empty; remove the key to use the default s3.amazonaws.com");
    secret.put(ENDPOINT, "s3.amazonaws.com");
    secret.put(BUCKET, "");
    assertInvalid(secret, BUCKET, "etcd-s3-bucket is required (s3 bucket name was not set)");
  }

  /** k3s pkg/etcd/s3/config_secret.go reads the Secret's booleans with Go's strconv.ParseBool: exactly these. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"1, true", "t, true", "T, true", "TRUE, true", "true, true", "True, true",
      "0, false", "f, false", "F, false", "FALSE, false", "false, false", "False, false"})
  void booleansAreReadAsGoParseBoolReadsThem(String text, boolean expected) {
    Map<String, String> secret = new java.util.HashMap<>(Map.of(BUCKET, "backups", INSECURE, text, SKIP_SSL_VERIFY, text));
    S3Settings s = build(secret);
    assertThat(s.insecure()).isEqualTo(expected);
    assertThat(s.skipSslVerify()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"yes", "tRUE", "on", "2"})
  void otherBooleanSpellingsAreRefusedAsParseBoolRefusesThem(String text) {
    assertInvalid(new java.util.HashMap<>(Map.of(BUCKET, "backups", INSECURE, text)), INSECURE,
        "etcd-s3-insecure must be true or false (as Go's strconv.ParseBool reads it: 1, t, T, TRUE, true, True, 0, f, "
            + "F, FALSE, false, False)");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "etcd-s3-timeout|5 minutes|etcd-s3-timeout has an unknown unit",
    "etcd-s3-timeout|300|etcd-s3-timeout is missing a unit",
    "etcd-s3-timeout|0s|etcd-s3-timeout must be greater than 0s",
    "etcd-s3-timeout|-1m|etcd-s3-timeout must be greater than 0s",
    "etcd-s3-retention|five|etcd-s3-retention must be a whole number",
    "etcd-s3-retention|-1|etcd-s3-retention must be 0 or more",
    "etcd-s3-insecure|yes|etcd-s3-insecure must be true or false",
    "etcd-s3-skip-ssl-verify|maybe|etcd-s3-skip-ssl-verify must be true or false",
    "etcd-s3-bucket-lookup-type|virtual|etcd-s3-bucket-lookup-type must be auto, dns or path",
    "etcd-s3-proxy|proxy.example:3128|etcd-s3-proxy must be a proxy URL",
    "etcd-s3-proxy|ftp://proxy.example|etcd-s3-proxy must be a proxy URL",
    "etcd-s3-bucket|a/b|etcd-s3-bucket must be a bucket name",
    "etcd-s3-bucket|ab|etcd-s3-bucket must be a bucket name: 3 to 63",
    "etcd-s3-bucket|My_Backups|etcd-s3-bucket must be a bucket name: 3 to 63",
    "etcd-s3-bucket|-backups|etcd-s3-bucket must be a bucket name: 3 to 63",
    "etcd-s3-bucket|backups.|etcd-s3-bucket must be a bucket name: 3 to 63",
    "etcd-s3-bucket|back..ups|etcd-s3-bucket must be a bucket name: no '..'",
    "etcd-s3-bucket|192.168.1.10|etcd-s3-bucket must be a bucket name, not an IP address",
    "etcd-s3-bucket|'backups '|etcd-s3-bucket has leading or trailing whitespace",
    "etcd-s3-bucket|'backups\n'|etcd-s3-bucket has leading or trailing whitespace",
    "etcd-s3-folder|.metadata|etcd-s3-folder must not contain a .metadata segment",
    "etcd-s3-folder|prod/.metadata/|etcd-s3-folder must not contain a .metadata segment",
    "etcd-s3-folder|a/./../../b|etcd-s3-folder must not climb above the bucket root",
    "etcd-s3-folder|' prod'|etcd-s3-folder has leading or trailing whitespace",
    "etcd-s3-endpoint|'minio:9000 '|etcd-s3-endpoint has leading or trailing whitespace",
    "etcd-s3-endpoint|http://minio:70000|etcd-s3-endpoint port must be between 1 and 65535",
    "etcd-s3-endpoint|minio:0|etcd-s3-endpoint port must be between 1 and 65535",
    "etcd-s3-endpoint|http://minio:9000/prefix/|etcd-s3-endpoint must not contain a path",
    "etcd-s3-region|us east|etcd-s3-region must not contain whitespace",
    "etcd-s3-checksum|always|etcd-s3-checksum must be when_supported or when_required",
    "etcd-s3-endpoint|ftp://minio:21|etcd-s3-endpoint may only use the http or https scheme",
    "etcd-s3-endpoint|https://minio:9000/bucket|etcd-s3-endpoint must not contain a path",
    "etcd-s3-endpoint|minio:9000/x|etcd-s3-endpoint must not contain a path",
    "etcd-s3-endpoint|http://minio:port|etcd-s3-endpoint must be host[:port]",
    "etcd-s3-endpoint-ca|not a certificate|etcd-s3-endpoint-ca names a CA file that cannot be read",
    "etcd-s3-endpoint-ca|-----BEGIN PRIVATE KEY-----|etcd-s3-endpoint-ca contains no PEM certificate",
  })
  void invalidValuesNameTheirKey(String key, String value, String message) {
    Map<String, String> secret = withCredentials();
    secret.put(key, value);
    assertInvalid(secret, key, message);
  }

  @Test
  void trailingWhitespaceIsRefusedWithoutEchoingTheValue() {
    Map<String, String> secret = withCredentials();
    secret.put(SECRET_KEY, SECRET + "\n");
    assertThatThrownBy(() -> build(secret)).hasMessage(
        "etcd-s3-secret-key has leading or trailing whitespace (a newline from echo?); remove it")
        .hasMessageNotContaining(SECRET);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "prod|prod/n-1", "/prod|prod/n-1", "prod/|prod/n-1", "a//b|a/b/n-1", "./a/./b/.|a/b/n-1", "a/x/../b|a/b/n-1",
    "/../a|a/n-1", "''|n-1", "/|n-1", "a/..|n-1",
  })
  void foldersNormaliseAsGoPathJoin(String folder, String key) {
    Map<String, String> secret = withCredentials();
    secret.put(FOLDER, folder);
    S3Settings s = build(secret);
    assertThat(dev.etcdsnapshot.storage.SnapshotLayout.s3Key(s.folder(), "n-1")).isEqualTo(key);
    assertThat(dev.etcdsnapshot.storage.SnapshotLayout.s3MetadataKey(s.folder(), "n-1"))
        .isEqualTo(key.contains("/") ? key.replace("/n-1", "/.metadata/n-1") : ".metadata/n-1");
  }

  @Test
  void brokenPemIsRefused() {
    Map<String, String> secret = withCredentials();
    secret.put(ENDPOINT_CA, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertInvalid(secret, ENDPOINT_CA, "etcd-s3-endpoint-ca contains a certificate that cannot be parsed");
  }

  @Test
  void credentialsComeInPairsAndAreNeverEchoed() {
    assertInvalid(Map.of(BUCKET, "bkt", ACCESS_KEY, ACCESS), SECRET_KEY,
        "etcd-s3-secret-key is required when etcd-s3-access-key is set");
    assertInvalid(Map.of(BUCKET, "bkt", SECRET_KEY, SECRET), ACCESS_KEY,
        "etcd-s3-access-key is required when etcd-s3-secret-key is set");
    assertInvalid(Map.of(BUCKET, "bkt", SESSION_TOKEN, TOKEN), SESSION_TOKEN,
        "etcd-s3-session-token requires etcd-s3-access-key and etcd-s3-secret-key");
  }

  @Test
  void endpointSchemeWinsOverInsecure() {
    assertThat(build(Map.of(BUCKET, "bkt", ENDPOINT, "http://minio:9000")).plainHttp()).isTrue();
    assertThat(build(Map.of(BUCKET, "bkt", ENDPOINT, "HTTP://minio:9000/")).endpoint()).isEqualTo("minio:9000");
    assertThat(build(Map.of(BUCKET, "bkt", ENDPOINT, "https://minio:9000", INSECURE, "true")).plainHttp()).isFalse();
    assertThat(build(Map.of(BUCKET, "bkt", ENDPOINT, "minio:9000", INSECURE, "true")).plainHttp()).isTrue();
    assertThat(build(Map.of(BUCKET, "bkt", ENDPOINT, "minio:9000", INSECURE, "1")).endpointUri())
        .isEqualTo(URI.create("http://minio:9000"));
    assertThat(build(Map.of(BUCKET, "bkt", ENDPOINT, "[::1]:9000")).endpointUri())
        .isEqualTo(URI.create("https://[::1]:9000"));
  }

  @Test
  void endpointWithUserInfoIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> build(Map.of(BUCKET, "bkt", ENDPOINT, "https://user:hunter2@minio:9000")))
        .isInstanceOf(InvalidS3SettingException.class).hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> build(Map.of(BUCKET, "bkt", PROXY, "socks5://user:hunter2@proxy:1080")))
        .isInstanceOf(InvalidS3SettingException.class).hasMessageNotContaining("hunter2");
  }

  @ParameterizedTest(name = "{0} {1} -> path style {3}")
  @CsvSource({
    "s3.amazonaws.com, backups, auto, false",
    "s3.eu-west-1.amazonaws.com, backups, auto, false",
    "s3.amazonaws.com, my.dotted.bucket, auto, true",
    "storage.googleapis.com, backups, auto, false",
    "oss-cn-hangzhou.aliyuncs.com, backups, auto, false",
    "minio.local:9000, backups, auto, true",
    "minio.local:9000, backups, dns, false",
    "s3.amazonaws.com, backups, path, true",
  })
  void bucketLookupResolvesAsMinioDoes(String endpoint, String bucket, String lookup, boolean pathStyle) {
    assertThat(build(Map.of(ENDPOINT, endpoint, BUCKET, bucket, BUCKET_LOOKUP_TYPE, lookup)).pathStyle())
        .isEqualTo(pathStyle);
  }

  @Test
  void checksumsDefaultOffForNonAwsEndpoints() {
    assertThat(build(Map.of(BUCKET, "bkt", ENDPOINT, "minio:9000")).checksum()).isEqualTo(ChecksumPolicy.WHEN_REQUIRED);
    assertThat(build(Map.of(BUCKET, "bkt", ENDPOINT, "s3.us-west-2.amazonaws.com")).checksum())
        .isEqualTo(ChecksumPolicy.WHEN_SUPPORTED);
    assertThat(build(Map.of(BUCKET, "bkt", ENDPOINT, "minio:9000", CHECKSUM, "WHEN_SUPPORTED")).checksum())
        .isEqualTo(ChecksumPolicy.WHEN_SUPPORTED);
    assertThat(build(Map.of(BUCKET, "bkt", CHECKSUM, "when_required")).checksum())
        .isEqualTo(ChecksumPolicy.WHEN_REQUIRED);
  }

  @Test
  void caAsBase64ItemsOrFilePathsAsTheK3sFlagTakesThem() throws Exception {
    TestCertificates other = TestCertificates.generate("other");
    String b64 = Base64.getEncoder().encodeToString(CERTS.caPem().getBytes(StandardCharsets.UTF_8));
    Path file = Files.writeString(tmp.resolve("ca.pem"), other.caPem());
    S3Settings s = build(Map.of(BUCKET, "bkt", ENDPOINT_CA, b64 + " " + file));
    assertThat(s.caCertificates()).containsExactly(CERTS.caCertificate(), other.caCertificate());
    assertThat(build(Map.of(BUCKET, "bkt", ENDPOINT_CA, CERTS.caPem() + other.caPem())).caCertificates())
        .hasSize(2);
  }

  @Test
  void skipSslVerifyWinsOverABrokenCa() {
    S3Settings s = build(Map.of(BUCKET, "bkt", SKIP_SSL_VERIFY, "true", ENDPOINT_CA, "garbage"));
    assertThat(s.skipSslVerify()).isTrue();
    assertThat(s.caCertificates()).isEmpty();
  }

  @Test
  void badCaBundleFromTheConfigMapNamesTheConfigMapKey() {
    assertThatThrownBy(() -> S3Settings.fromSecret(Map.of(BUCKET, "bkt", ENDPOINT_CA_NAME, "cm"), List.of("junk")))
        .isInstanceOfSatisfying(InvalidS3SettingException.class, e -> assertThat(e.key()).isEqualTo(ENDPOINT_CA_NAME));
  }

  @Test
  void proxyNoneDisablesEnvironmentProxies() {
    S3Settings s = build(Map.of(BUCKET, "bkt", PROXY, "none"));
    assertThat(s.proxyDisabled()).isTrue();
    assertThat(s.proxy()).isEmpty();
  }

  @Test
  void toStringRedactsCredentialsAndProxyPassword() {
    Map<String, String> secret = withCredentials();
    secret.put(SESSION_TOKEN, TOKEN);
    secret.put(PROXY, "http://proxyuser:pr0xyPassw0rd@proxy:3128");
    String text = build(secret).toString();
    assertThat(text).doesNotContain(ACCESS, SECRET, TOKEN, "pr0xyPassw0rd", "proxyuser")
        .contains("accessKey=<redacted>", "secretKey=<redacted>", "sessionToken=<redacted>",
            "proxy=http://proxy:3128", "bucket=backups", "timeout=5m0s");
    assertThat(build(Map.of(BUCKET, "bkt")).toString()).contains("accessKey=<unset>");
  }

  @Test
  void builderTakesFlagsAndTheSecretAndTheLastOneWins() {
    S3Settings s = S3Settings.builder().secret(Map.of(BUCKET, "from-secret", "unrelated-key", "x"))
        .set(BUCKET, "from-flag").set(TIMEOUT, "30s").set(TIMEOUT, null).build();
    assertThat(s.bucket()).isEqualTo("from-flag");
    assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> S3Settings.builder().set("etcd-s3-bukket", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void equalityCoversCredentials() {
    Map<String, String> a = withCredentials();
    Map<String, String> b = withCredentials();
    assertThat(build(a)).isEqualTo(build(b)).hasSameHashCodeAs(build(b));
    b.put(SECRET_KEY, "rotated");
    assertThat(build(a)).isNotEqualTo(build(b));
  }

  private static Map<String, String> withCredentials() {
    Map<String, String> m = new HashMap<>();
    m.put(BUCKET, "backups");
    m.put(ACCESS_KEY, ACCESS);
    m.put(SECRET_KEY, SECRET);
    return m;
  }

  private static S3Settings build(Map<String, String> secret) {
    return S3Settings.fromSecret(secret);
  }

  private static void assertInvalid(Map<String, String> secret, String key, String messageStart) {
    assertThatThrownBy(() -> build(secret)).isInstanceOfSatisfying(InvalidS3SettingException.class, e -> {
      assertThat(e.key()).isEqualTo(key);
      assertThat(e.getMessage()).startsWith(messageStart).doesNotContain(ACCESS, SECRET, TOKEN);
    });
  }
}
