package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the S3 client addresses the bucket (k3s's {@code etcd-s3-bucket-lookup-type}). */
public enum BucketLookup {
  /** Virtual-host style where the endpoint supports it, path style elsewhere. */
  @JsonProperty("auto")
  AUTO("auto"),
  /** Virtual-host style: {@code <bucket>.<endpoint>}. */
  @JsonProperty("dns")
  DNS("dns"),
  /** Path style: {@code <endpoint>/<bucket>}. */
  @JsonProperty("path")
  PATH("path");

  private final String value;

  BucketLookup(String value) {
    this.value = value;
  }

  /** The value as written in the resource. */
  public String value() {
    return value;
  }
}
