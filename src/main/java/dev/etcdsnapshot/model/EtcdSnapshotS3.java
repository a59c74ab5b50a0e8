package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** The S3 store an ETCDSnapshotFile's snapshot is in, as k3s records it; never credentials (k3s-compat §1.1). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "endpoint", "endpointCA", "skipSSLVerify", "bucket", "bucketLookup", "region", "prefix", "insecure"
})
public class EtcdSnapshotS3 {

  @JsonPropertyDescription("Endpoint is the S3 endpoint as host or host:port, without a scheme.")
  private String endpoint;

  @JsonPropertyDescription("EndpointCA is the CA setting as configured (a file path or base64 PEM), recorded verbatim.")
  private String endpointCA;

  @JsonPropertyDescription("SkipSSLVerify is true when the server certificate was not verified.")
  private Boolean skipSSLVerify;

  @JsonPropertyDescription("Bucket is the bucket holding the snapshot.")
  private String bucket;

  @JsonPropertyDescription("BucketLookup is the addressing style: auto, dns (virtual-host) or path; empty means auto.")
  private String bucketLookup;

  @JsonPropertyDescription("Region is the bucket's region.")
  private String region;

  @JsonPropertyDescription("Prefix is the configured folder the snapshot's key starts with.")
  private String prefix;

  @JsonPropertyDescription("Insecure is true when the store was reached over plain HTTP.")
  private Boolean insecure;

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getEndpointCA() {
    return endpointCA;
  }

  public void setEndpointCA(String endpointCA) {
    this.endpointCA = endpointCA;
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

  public String getBucketLookup() {
    return bucketLookup;
  }

  public void setBucketLookup(String bucketLookup) {
    this.bucketLookup = bucketLookup;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public String getPrefix() {
    return prefix;
  }

  public void setPrefix(String prefix) {
    this.prefix = prefix;
  }

  public Boolean getInsecure() {
    return insecure;
  }

  public void setInsecure(Boolean insecure) {
    this.insecure = insecure;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EtcdSnapshotS3 other
        && Objects.equals(endpoint, other.endpoint)
        && Objects.equals(endpointCA, other.endpointCA)
        && Objects.equals(skipSSLVerify, other.skipSSLVerify)
        && Objects.equals(bucket, other.bucket)
        && Objects.equals(bucketLookup, other.bucketLookup)
        && Objects.equals(region, other.region)
        && Objects.equals(prefix, other.prefix)
        && Objects.equals(insecure, other.insecure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(endpoint, endpointCA, skipSSLVerify, bucket, bucketLookup, region, prefix, insecure);
  }

  @Override
  public String toString() {
    return "EtcdSnapshotS3{"
        + "endpoint=" + endpoint
        + ", endpointCA=" + endpointCA
        + ", skipSSLVerify=" + skipSSLVerify
        + ", bucket=" + bucket
        + ", bucketLookup=" + bucketLookup
        + ", region=" + region
        + ", prefix=" + prefix
        + ", insecure=" + insecure
        + "}";
  }
}
