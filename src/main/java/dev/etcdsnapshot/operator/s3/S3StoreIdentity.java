package dev.etcdsnapshot.operator.s3;

import dev.etcdsnapshot.model.EtcdSnapshotS3;
import java.util.Objects;

/**
 * The non-secret description of one S3 store, as k3s writes it into {@code spec.s3} of every ETCDSnapshotFile of
 * that store. Bucket, folder and endpoint identify the store: an S3 sync owns exactly the objects whose
 * {@code spec.s3} has the same three.
 *
 * @param endpoint host or host:port, no scheme
 * @param endpointCA the CA setting as configured, recorded verbatim, or {@code null}
 * @param skipSSLVerify whether certificate verification is off
 * @param bucket the bucket
 * @param bucketLookup {@code auto}, {@code dns}, {@code path}, or {@code null}
 * @param region the region
 * @param prefix the folder, or empty for the bucket root
 * @param insecure whether the store is reached over plain HTTP
 */
public record S3StoreIdentity(
    String endpoint,
    String endpointCA,
    boolean skipSSLVerify,
    String bucket,
    String bucketLookup,
    String region,
    String prefix,
    boolean insecure) {

  public S3StoreIdentity {
    Objects.requireNonNull(bucket, "bucket");
  }

  /** The identity recorded in an object, or {@code null} when the object has no {@code spec.s3}. */
  public static S3StoreIdentity from(EtcdSnapshotS3 s3) {
    if (s3 == null || s3.getBucket() == null) {
      return null;
    }
    return new S3StoreIdentity(
        s3.getEndpoint(),
        s3.getEndpointCA(),
        Boolean.TRUE.equals(s3.getSkipSSLVerify()),
        s3.getBucket(),
        s3.getBucketLookup(),
        s3.getRegion(),
        s3.getPrefix(),
        Boolean.TRUE.equals(s3.getInsecure()));
  }

  /**
   * {@code spec.s3} as k3s writes it: false booleans and empty strings are left out ({@code omitempty}), and
   * {@code bucketLookup} is never written (k3s-io/k3s pkg/etcd/snapshot/types.go {@code ToETCDSnapshotFile} copies
   * every field but that one), so our objects equal the ones k3s would write for the same store.
   */
  public EtcdSnapshotS3 toSpec() {
    EtcdSnapshotS3 s3 = new EtcdSnapshotS3();
    s3.setEndpoint(emptyToNull(endpoint));
    s3.setEndpointCA(emptyToNull(endpointCA));
    s3.setSkipSSLVerify(skipSSLVerify ? Boolean.TRUE : null);
    s3.setBucket(bucket);
    s3.setRegion(emptyToNull(region));
    s3.setPrefix(emptyToNull(prefix));
    s3.setInsecure(insecure ? Boolean.TRUE : null);
    return s3;
  }

  /** True when the object's {@code spec.s3} names this store (same bucket, folder and endpoint). */
  public boolean holds(EtcdSnapshotS3 s3) {
    return s3 != null
        && bucket.equals(s3.getBucket())
        && nullToEmpty(prefix).equals(nullToEmpty(s3.getPrefix()))
        && nullToEmpty(endpoint).equals(nullToEmpty(s3.getEndpoint()));
  }

  /** What tells stores apart: endpoint, bucket and folder, as {@link #holds} compares them. */
  public String key() {
    return nullToEmpty(endpoint) + "/" + bucket + "/" + nullToEmpty(prefix);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
