package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * Where schedules and requests upload snapshots: a Secret with k3s's {@code etcd-s3-*} keys and/or non-secret
 * settings written inline.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "secretRef", "endpoint", "endpointCAName", "skipSSLVerify", "bucket", "bucketLookup", "region", "folder",
  "insecure", "timeout", "retention", "retentionScope"
})
public class SnapshotS3Spec {

  @JsonPropertyDescription(
      "SecretRef names a Secret holding k3s's etcd-s3-* keys (credentials, and any setting not given " +
      "inline), in this namespace or kube-system. Read on every operation, so rotating keys needs no restart.")
  private SecretRef secretRef;

  @Pattern("^[^/:]+(:[0-9]+)?$")
  @JsonPropertyDescription(
      "Endpoint is the S3 endpoint as host or host:port, without a scheme (default s3.amazonaws.com). " +
      "Overrides etcd-s3-endpoint of the Secret.")
  private String endpoint;

  @Size(min = 1, max = 253)
  @JsonPropertyDescription(
      "EndpointCAName names a ConfigMap in this namespace whose values are PEM CA bundles to trust for the " +
      "endpoint. Overrides etcd-s3-endpoint-ca-name of the Secret; an inline PEM goes in the Secret's " +
      "etcd-s3-endpoint-ca.")
  private String endpointCAName;

  @JsonPropertyDescription(
      "SkipSSLVerify turns off verification of the endpoint's certificate. Overrides " +
      "etcd-s3-skip-ssl-verify of the Secret.")
  private Boolean skipSSLVerify;

  @Size(min = 3, max = 63)
  @JsonPropertyDescription(
      "Bucket is the bucket to store snapshots in; required here or in the Secret (etcd-s3-bucket).")
  private String bucket;

  @JsonPropertyDescription(
      "BucketLookup is the addressing style: auto (default), dns (virtual-host) or path. Overrides " +
      "etcd-s3-bucket-lookup-type of the Secret.")
  private BucketLookup bucketLookup;

  @JsonPropertyDescription("Region is the bucket's region (default us-east-1). Overrides etcd-s3-region of the Secret.")
  private String region;

  @JsonPropertyDescription(
      "Folder is the key prefix snapshots are stored under (empty: the bucket root). Overrides " +
      "etcd-s3-folder of the Secret.")
  private String folder;

  @JsonPropertyDescription("Insecure uses plain HTTP instead of HTTPS. Overrides etcd-s3-insecure of the Secret.")
  private Boolean insecure;

  @Pattern("^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$")
  @JsonPropertyDescription(
      "Timeout bounds each S3 operation, as a Go duration such as 5m or 30s (default 5m). Overrides " +
      "etcd-s3-timeout of the Secret.")
  private String timeout;

  // No schema default: an unset retention must stay unset so the Secret's etcd-s3-retention can apply.
  @Min(0)
  @JsonPropertyDescription(
      "Retention is how many S3 snapshots with the schedule's name prefix to keep; 0 keeps all. Unset: the " +
      "Secret's etcd-s3-retention, else 5. Used by schedules only: on-demand snapshots are never pruned " +
      "automatically.")
  private Integer retention;

  @Default("node")
  @JsonPropertyDescription(
      "RetentionScope says whose snapshots count towards the retention: node (the default: each node keeps " +
      "its newest objects named <name>-<node>-<unix seconds>[.zip], newest by the time in the name) or cluster " +
      "(every object whose name starts with <name>, newest by LastModified, as k3s does).")
  private S3RetentionScope retentionScope;

  public SecretRef getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(SecretRef secretRef) {
    this.secretRef = secretRef;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getEndpointCAName() {
    return endpointCAName;
  }

  public void setEndpointCAName(String endpointCAName) {
    this.endpointCAName = endpointCAName;
  }

  public Boolean getSkipSSLVerify() {
    return skipSSLVerify;
  }

  public void setSkipSSLVerify(Boolean skipSSLVerify) {
    this.skipSSLVerify = skipSSLVerify;
  }

  public String getBucket() {
    return bucket;
  }

  public void setBucket(String bucket) {
    this.bucket = bucket;
  }

  public BucketLookup getBucketLookup() {
    return bucketLookup;
  }

  public void setBucketLookup(BucketLookup bucketLookup) {
    this.bucketLookup = bucketLookup;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public String getFolder() {
    return folder;
  }

  public void setFolder(String folder) {
    this.folder = folder;
  }

  public Boolean getInsecure() {
    return insecure;
  }

  public void setInsecure(Boolean insecure) {
    this.insecure = insecure;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public Integer getRetention() {
    return retention;
  }

  public void setRetention(Integer retention) {
    this.retention = retention;
  }

  public S3RetentionScope getRetentionScope() {
    return retentionScope;
  }

  public void setRetentionScope(S3RetentionScope retentionScope) {
    this.retentionScope = retentionScope;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SnapshotS3Spec other
        && Objects.equals(secretRef, other.secretRef)
        && Objects.equals(endpoint, other.endpoint)
        && Objects.equals(endpointCAName, other.endpointCAName)
        && Objects.equals(skipSSLVerify, other.skipSSLVerify)
        && Objects.equals(bucket, other.bucket)
        && Objects.equals(bucketLookup, other.bucketLookup)
        && Objects.equals(region, other.region)
        && Objects.equals(folder, other.folder)
        && Objects.equals(insecure, other.insecure)
        && Objects.equals(timeout, other.timeout)
        && Objects.equals(retention, other.retention)
        && Objects.equals(retentionScope, other.retentionScope);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        secretRef, endpoint, endpointCAName, skipSSLVerify, bucket, bucketLookup, region, folder, insecure, timeout,
        retention, retentionScope);
  }

  @Override
  public String toString() {
    return "SnapshotS3Spec{"
        + "secretRef=" + secretRef
        + ", endpoint=" + endpoint
        + ", endpointCAName=" + endpointCAName
        + ", skipSSLVerify=" + skipSSLVerify
        + ", bucket=" + bucket
        + ", bucketLookup=" + bucketLookup
        + ", region=" + region
        + ", folder=" + folder
        + ", insecure=" + insecure
        + ", timeout=" + timeout
        + ", retention=" + retention
        + ", retentionScope=" + retentionScope
        + "}";
  }
}
