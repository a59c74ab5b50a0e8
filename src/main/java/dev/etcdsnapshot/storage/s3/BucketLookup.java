package dev.etcdsnapshot.storage.s3;

import java.util.Locale;

/** How the bucket is addressed ({@code etcd-s3-bucket-lookup-type}, k3s-io/k3s#12244). */
public enum BucketLookup {
  /** Virtual-host style for AWS, Google and Aliyun endpoints with DNS-safe bucket names; path style elsewhere. */
  AUTO,
  /** Always virtual-host style: {@code https://<bucket>.<endpoint>/<key>}. */
  DNS,
  /** Always path style: {@code https://<endpoint>/<bucket>/<key>}. */
  PATH;

  /** Parses {@code auto}, {@code dns} or {@code path}, case-insensitively; empty means {@link #AUTO}. */
  static BucketLookup parse(String value) {
    if (value.isEmpty()) {
      return AUTO;
    }
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidS3SettingException(S3Settings.BUCKET_LOOKUP_TYPE, "must be auto, dns or path");
    }
  }

  /** The lower-case spelling k3s writes into {@code spec.s3.bucketLookup}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
