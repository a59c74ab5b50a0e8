package dev.etcdsnapshot.storage.s3;

import static dev.etcdsnapshot.storage.s3.S3Settings.*;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validation rules of {@link S3Settings}, one method per key.
 *
 * <p>Present-but-empty keys: k3s lets an empty Secret value override the default. We follow it where the
 * result is usable and refuse where k3s would only fail later with a confusing error:
 * <ul>
 *   <li>{@code etcd-s3-endpoint: ""} is refused (k3s would try to connect to an empty host);
 *   <li>{@code etcd-s3-bucket: ""} is refused (bucket is required, as in k3s);
 *   <li>{@code etcd-s3-region: ""} means {@code us-east-1} (k3s lets minio look the region up; the AWS SDK
 *       follows AWS's region redirects instead);
 *   <li>empty {@code etcd-s3-timeout}, {@code -retention}, {@code -insecure}, {@code -skip-ssl-verify},
 *       {@code -bucket-lookup-type}, {@code -checksum} keep the default (k3s fails to parse them and keeps the
 *       default too);
 *   <li>empty credentials, folder, CA and proxy mean unset.
 * </ul>
 * Unparseable non-empty values are refused with the key named (k3s logs them and keeps the default, which
 * hides typos such as {@code etcd-s3-timeout: 5 minutes}).
 */
final class S3SettingsParser {

  private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
  private static final Pattern DNS_BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern NO_WHITESPACE = Pattern.compile("\\S+");

  final Map<String, String> raw;
  String endpoint;
  boolean plainHttp;
  boolean insecure;
  String endpointCa;
  String endpointCaName;
  final List<X509Certificate> caCertificates = new ArrayList<>();
  boolean skipSslVerify;
  String accessKey;
  String secretKey;
  String sessionToken;
  String bucket;
  BucketLookup bucketLookup;
  String region;
  String folder;
  int retention;
  boolean retentionSet;
  URI proxy;
  boolean proxyDisabled;
  Duration timeout;
  ChecksumPolicy checksum;

  S3SettingsParser(Map<String, String> raw, List<String> caBundles) {
    this.raw = raw;
    insecure = bool(INSECURE);
    parseEndpoint();
    skipSslVerify = bool(SKIP_SSL_VERIFY);
    parseCa(caBundles);
    parseCredentials();
    parseBucket();
    bucketLookup = BucketLookup.parse(value(BUCKET_LOOKUP_TYPE, "").trim());
    region = value(REGION, "").trim().isEmpty() ? DEFAULT_REGION : value(REGION, "").trim();
    require(REGION, NO_WHITESPACE.matcher(region).matches(), "must not contain whitespace");
    folder = value(FOLDER, "").trim();
    parseFolder();
    parseRetention();
    parseProxy();
    parseTimeout();
    String c = value(CHECKSUM, "").trim();
    checksum = !c.isEmpty() ? ChecksumPolicy.parse(c)
        : isAws(endpoint) ? ChecksumPolicy.WHEN_SUPPORTED : ChecksumPolicy.WHEN_REQUIRED;
  }

  private void parseEndpoint() {
    String v = value(ENDPOINT, DEFAULT_ENDPOINT).trim();
    require(ENDPOINT, !v.isEmpty(), "is empty; remove the key to use the default " + DEFAULT_ENDPOINT);
    URI uri;
    try {
      uri = new URI(v.contains("://") ? v : "https://" + v);
    } catch (URISyntaxException e) {
      throw new InvalidS3SettingException(ENDPOINT, "must be host[:port] or an http(s)://host[:port] URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    require(ENDPOINT, scheme.equals("http") || scheme.equals("https"), "may only use the http or https scheme");
    require(ENDPOINT, uri.getHost() != null && uri.getRawUserInfo() == null,
        "must be host[:port] or an http(s)://host[:port] URL");
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    require(ENDPOINT, (path.isEmpty() || path.equals("/")) && uri.getRawQuery() == null
        && uri.getRawFragment() == null, "must not contain a path, query or fragment");
    require(ENDPOINT, uri.getPort() < 0 || (uri.getPort() >= 1 && uri.getPort() <= 65535),
        "port must be between 1 and 65535");
    endpoint = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    // An explicit scheme is the more specific statement, so it wins over etcd-s3-insecure.
    plainHttp = v.contains("://") ? scheme.equals("http") : insecure;
  }

  private void parseCa(List<String> caBundles) {
    endpointCa = value(ENDPOINT_CA, "").trim();
    endpointCaName = value(ENDPOINT_CA_NAME, "").trim();
    if (skipSslVerify) {
      return; // k3s loads no CA when verification is off.
    }
    if (!endpointCa.isEmpty()) {
      caCertificates.addAll(CaBundles.parse(ENDPOINT_CA, endpointCa));
    }
    for (String bundle : caBundles) {
      caCertificates.addAll(CaBundles.parse(ENDPOINT_CA_NAME, bundle));
    }
  }

  private void parseCredentials() {
    accessKey = emptyToNull(value(ACCESS_KEY, "").trim());
    secretKey = emptyToNull(value(SECRET_KEY, "").trim());
    sessionToken = emptyToNull(value(SESSION_TOKEN, "").trim());
    require(SECRET_KEY, accessKey == null || secretKey != null, "is required when " + ACCESS_KEY + " is set");
    require(ACCESS_KEY, secretKey == null || accessKey != null, "is required when " + SECRET_KEY + " is set");
    require(SESSION_TOKEN, sessionToken == null || accessKey != null,
        "requires " + ACCESS_KEY + " and " + SECRET_KEY);
  }

  private void parseBucket() {
    bucket = value(BUCKET, "").trim();
    require(BUCKET, !bucket.isEmpty(), "is required (s3 bucket name was not set)");
    // The S3 bucket naming rules, which minio-go (k3s) also checks in part before any request.
    require(BUCKET, BUCKET_NAME.matcher(bucket).matches(), "must be a bucket name: 3 to 63 lowercase letters, "
        + "digits, '.' and '-', starting and ending with a letter or digit");
    require(BUCKET, !bucket.contains("..") && !bucket.contains(".-") && !bucket.contains("-."),
        "must be a bucket name: no '..', '.-' or '-.'");
    require(BUCKET, !IP_ADDRESS.matcher(bucket).matches(), "must be a bucket name, not an IP address");
  }

  /**
   * The folder must give keys k3s gives too and must not reach into the metadata: after Go's {@code path.Clean}
   * (SnapshotLayout#s3Folder) no {@code ..} may be left (it would climb above the bucket root) and no segment
   * may be {@code .metadata} (snapshot keys would then be metadata keys of another folder, and the reverse).
   */
  private void parseFolder() {
    for (String segment : dev.etcdsnapshot.storage.SnapshotLayout.s3Folder(folder).split("/")) {
      require(FOLDER, !segment.equals(".."), "must not climb above the bucket root with '..'");
      require(FOLDER, !segment.equals(dev.etcdsnapshot.storage.SnapshotLayout.METADATA_DIR),
          "must not contain a .metadata segment: snapshot and metadata keys would collide");
    }
  }

  private void parseRetention() {
    String v = value(RETENTION, "").trim();
    retentionSet = !v.isEmpty();
    if (!retentionSet) {
      retention = DEFAULT_RETENTION;
      return;
    }
    try {
      retention = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new InvalidS3SettingException(RETENTION, "must be a whole number of snapshots (0 keeps all)");
    }
    require(RETENTION, retention >= 0, "must be 0 or more (0 keeps all)");
  }

  private void parseProxy() {
    String v = value(PROXY, "").trim();
    if (v.isEmpty()) {
      return;
    }
    if (v.equals("none")) {
      proxyDisabled = true;
      return;
    }
    String problem = "must be a proxy URL with scheme and host (e.g. http://proxy:3128), or none";
    try {
      proxy = new URI(v);
    } catch (URISyntaxException e) {
      throw new InvalidS3SettingException(PROXY, problem); // the value may hold a password: not echoed
    }
    String scheme = proxy.getScheme() == null ? "" : proxy.getScheme().toLowerCase(Locale.ROOT);
    require(PROXY, proxy.getHost() != null && (scheme.equals("http") || scheme.equals("https")), problem);
  }

  private void parseTimeout() {
    String v = value(TIMEOUT, "").trim();
    if (v.isEmpty()) {
      timeout = DEFAULT_TIMEOUT;
      return;
    }
    try {
      timeout = GoDuration.parse(v);
    } catch (IllegalArgumentException e) {
      throw new InvalidS3SettingException(TIMEOUT, e.getMessage());
    }
    require(TIMEOUT, !timeout.isNegative() && !timeout.isZero(), "must be greater than 0s");
  }

  private boolean bool(String key) {
    String v = value(key, "").trim();
    switch (v) {
      case "":
        return false;
      case "1": case "t": case "T": case "true": case "TRUE": case "True":
        return true;
      case "0": case "f": case "F": case "false": case "FALSE": case "False":
        return false;
      default:
        // Go's strconv.ParseBool (k3s-io/k3s pkg/etcd/s3/config_secret.go parses these keys with it).
        throw new InvalidS3SettingException(key, "must be true or false (as Go's strconv.ParseBool reads it: 1, t, "
            + "T, TRUE, true, True, 0, f, F, FALSE, false, False)");
    }
  }

  /**
   * The raw value. Leading or trailing whitespace is refused rather than trimmed (a Secret written with
   * {@code echo} ends in a newline; a bucket, key or folder with a stray space is another name): one line naming
   * the key, never the value. CA bundles are PEM text, where line breaks belong.
   */
  private String value(String key, String absent) {
    String v = raw.get(key);
    if (v == null) {
      return absent;
    }
    require(key, key.equals(ENDPOINT_CA) || key.equals(ENDPOINT_CA_NAME) || v.equals(v.strip()),
        "has leading or trailing whitespace (a newline from echo?); remove it");
    return v;
  }

  private static void require(String key, boolean ok, String problem) {
    if (!ok) {
      throw new InvalidS3SettingException(key, problem);
    }
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  static boolean isAws(String endpoint) {
    String host = host(endpoint);
    return host.equals("s3.amazonaws.com") || host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn");
  }

  /** minio's "auto" rule: virtual host only for AWS, Google and Aliyun with DNS-safe names; Aliyun always. */
  static boolean pathStyle(BucketLookup lookup, String endpoint, String bucket, boolean plainHttp) {
    switch (lookup) {
      case PATH:
        return true;
      case DNS:
        return false;
      default:
        String host = host(endpoint);
        if (host.contains("aliyun")) {
          return false;
        }
        boolean known = isAws(endpoint) || host.equals("storage.googleapis.com");
        // Dotted names break wildcard certificates over TLS, so minio (and we) keep path style for them.
        boolean dnsSafe = DNS_BUCKET.matcher(bucket).matches() && (plainHttp || !bucket.contains("."));
        return !(known && dnsSafe);
    }
  }

  static String safeProxy(URI proxy) {
    return proxy.getScheme() + "://" + proxy.getHost() + (proxy.getPort() < 0 ? "" : ":" + proxy.getPort());
  }

  private static String host(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    String host = colon > 0 && !endpoint.endsWith("]") ? endpoint.substring(0, colon) : endpoint;
    return host.toLowerCase(Locale.ROOT);
  }
}
