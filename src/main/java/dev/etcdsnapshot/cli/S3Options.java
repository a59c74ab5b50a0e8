package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.RetentionScope;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.storage.s3.InvalidS3SettingException;
import dev.etcdsnapshot.storage.s3.S3Settings;
import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * k3s's S3 flags (k3s-compat §8.1, §10): {@code --s3} and every {@code --s3-*} flag with its
 * {@code --etcd-s3-*} alias, validated by {@link S3Settings} (picocli mixin). Without an access key the AWS
 * default credentials chain is used, which also reads {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}
 * and keeps keys out of the process list.
 */
public final class S3Options {

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = {"--s3", "--etcd-s3"}, description = "also work on the S3 folder the --s3-* flags describe")
  boolean enabled;

  @Option(names = {"--s3-endpoint", "--etcd-s3-endpoint"}, paramLabel = "HOST[:PORT]|URL",
      description = "S3 endpoint (default: s3.amazonaws.com); an http:// or https:// scheme wins over --s3-insecure")
  String endpoint;

  @Option(names = {"--s3-endpoint-ca", "--etcd-s3-endpoint-ca"}, paramLabel = "PEM|FILE",
      description = "CA bundle for the endpoint: PEM, or space-separated base64 PEM or file paths")
  String endpointCa;

  @Option(names = {"--s3-skip-ssl-verify", "--etcd-s3-skip-ssl-verify"}, arity = "0..1", fallbackValue = "true",
      paramLabel = "BOOL", description = "do not verify the endpoint's certificate (insecure)")
  String skipSslVerify;

  @Option(names = {"--s3-access-key", "--etcd-s3-access-key"}, paramLabel = "KEY",
      description = "access key id (default: the AWS default credentials chain)")
  String accessKey;

  @Option(names = {"--s3-secret-key", "--etcd-s3-secret-key"}, paramLabel = "KEY", description = "secret key")
  String secretKey;

  @Option(names = {"--s3-session-token", "--etcd-s3-session-token"}, paramLabel = "TOKEN",
      description = "session token of temporary credentials")
  String sessionToken;

  @Option(names = {"--s3-bucket", "--etcd-s3-bucket"}, paramLabel = "BUCKET", description = "bucket (required)")
  String bucket;

  @Option(names = {"--s3-bucket-lookup-type", "--etcd-s3-bucket-lookup-type"}, paramLabel = "auto|dns|path",
      description = "bucket addressing: auto (default), dns (virtual host) or path")
  String bucketLookup;

  @Option(names = {"--s3-region", "--etcd-s3-region"}, paramLabel = "REGION", description = "region (default: us-east-1)")
  String region;

  @Option(names = {"--s3-folder", "--etcd-s3-folder"}, paramLabel = "FOLDER", description = "folder in the bucket")
  String folder;

  @Option(names = {"--s3-retention", "--etcd-s3-retention"}, paramLabel = "N",
      description = "snapshots with the --name prefix to keep in S3. save prunes S3 only when this is given, and "
          + "never when --name starts with on-demand (the default): on-demand snapshots are pruned only by prune")
  String retention;

  @Option(names = "--s3-retention-scope", paramLabel = "node|cluster", defaultValue = "node",
      description = "whose snapshots count towards --s3-retention: node (default), those named "
          + "<name>-<node-name>-<unix seconds>[.zip], newest by that time; cluster, every one starting with "
          + "--name, newest by LastModified (k3s)")
  String scope;

  @Option(names = {"--s3-proxy", "--etcd-s3-proxy"}, paramLabel = "URL|none",
      description = "proxy URL, or none to ignore HTTP(S)_PROXY")
  String proxy;

  @Option(names = {"--s3-insecure", "--etcd-s3-insecure"}, arity = "0..1", fallbackValue = "true",
      paramLabel = "BOOL", description = "plain HTTP to a host[:port] endpoint")
  String insecure;

  @Option(names = {"--s3-timeout", "--etcd-s3-timeout"}, paramLabel = "DURATION",
      description = "budget of every S3 call, Go syntax such as 30s or 5m (default: 5m)")
  String timeout;

  @Option(names = {"--s3-checksum", "--etcd-s3-checksum"}, paramLabel = "when_supported|when_required",
      description = "SDK checksums (default: when_supported for AWS, when_required elsewhere)")
  String checksum;

  @Option(names = "--flavor", paramLabel = "k3s|rke2", defaultValue = "k3s",
      description = "prefix of the S3 user metadata keys, and whose token file save reads by default "
          + "(default: ${DEFAULT-VALUE})")
  String flavor;

  /** True with {@code --s3}; S3 flags without it are a usage error rather than silently ignored. */
  public boolean enabled() {
    if (!enabled && !given().isEmpty()) {
      throw usage("--" + given().keySet().iterator().next() + " needs --s3");
    }
    return enabled;
  }

  /** The validated settings; an invalid value is a usage error naming the flag, never echoing a credential. */
  public S3Settings settings() {
    S3Settings.Builder b = S3Settings.builder();
    given().forEach(b::set);
    try {
      return b.build();
    } catch (InvalidS3SettingException e) {
      throw usage("--" + e.getMessage());
    }
  }

  /** A store on the configured folder, with the flavour's metadata keys. */
  public S3SnapshotStore store() {
    return S3SnapshotStore.builder(settings()).metadataPrefix(flavor().program()).build();
  }

  public RetentionScope scope() {
    switch (scope.toLowerCase(Locale.ROOT)) {
      case "node":
        return RetentionScope.NODE;
      case "cluster":
        return RetentionScope.CLUSTER;
      default:
        throw usage("--s3-retention-scope must be node or cluster");
    }
  }

  /** The flavour: the S3 metadata prefix, and whose server token file {@code save} fingerprints by default. */
  Flavor flavor() {
    try {
      return Flavor.parse(flavor);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** The flags given, by k3s Secret key. */
  private Map<String, String> given() {
    Map<String, String> m = new LinkedHashMap<>();
    put(m, S3Settings.ENDPOINT, endpoint);
    put(m, S3Settings.ENDPOINT_CA, endpointCa);
    put(m, S3Settings.SKIP_SSL_VERIFY, skipSslVerify);
    put(m, S3Settings.ACCESS_KEY, accessKey);
    put(m, S3Settings.SECRET_KEY, secretKey);
    put(m, S3Settings.SESSION_TOKEN, sessionToken);
    put(m, S3Settings.BUCKET, bucket);
    put(m, S3Settings.BUCKET_LOOKUP_TYPE, bucketLookup);
    put(m, S3Settings.REGION, region);
    put(m, S3Settings.FOLDER, folder);
    put(m, S3Settings.RETENTION, retention);
    put(m, S3Settings.PROXY, proxy);
    put(m, S3Settings.INSECURE, insecure);
    put(m, S3Settings.TIMEOUT, timeout);
    put(m, S3Settings.CHECKSUM, checksum);
    return m;
  }

  private static void put(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(mixee.commandLine(), message);
  }
}
