package dev.etcdsnapshot.operator.s3;

import dev.etcdsnapshot.model.SnapshotS3Spec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The CR's inline {@code spec.s3} fields as the k3s Secret keys they override.
 */
public final class S3Inline {

  private S3Inline() {}

  /** Inline fields that are set, as k3s keys. */
  public static Map<String, String> values(SnapshotS3Spec spec) {
    Map<String, String> v = new LinkedHashMap<>();
    if (spec == null) {
      return v;
    }
    put(v, "etcd-s3-endpoint", spec.getEndpoint());
    put(v, S3SecretReader.CA_NAME_KEY, spec.getEndpointCAName());
    put(v, "etcd-s3-skip-ssl-verify", spec.getSkipSSLVerify());
    put(v, "etcd-s3-bucket", spec.getBucket());
    put(v, "etcd-s3-bucket-lookup-type",
        spec.getBucketLookup() == null ? null : spec.getBucketLookup().name().toLowerCase(Locale.ROOT));
    put(v, "etcd-s3-region", spec.getRegion());
    put(v, "etcd-s3-folder", spec.getFolder());
    put(v, "etcd-s3-insecure", spec.getInsecure());
    put(v, "etcd-s3-timeout", spec.getTimeout());
    return v;
  }

  private static void put(Map<String, String> v, String key, Object value) {
    if (value != null) {
      v.put(key, value.toString());
    }
  }
}
