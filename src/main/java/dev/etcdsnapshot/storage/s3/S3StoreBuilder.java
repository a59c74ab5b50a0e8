package dev.etcdsnapshot.storage.s3;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.hc.client5.http.DnsResolver;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Options of an {@link S3SnapshotStore}; only the settings are required. */
public final class S3StoreBuilder {

  final S3Settings settings;
  String metadataPrefix = "k3s";
  long partSize = 16L << 20;
  long multipartThreshold = 16L << 20;
  int partsInFlight = 4;
  final List<ExecutionInterceptor> interceptors = new ArrayList<>();
  DnsResolver dnsResolver;
  Duration progressEvery = Duration.ofSeconds(5);

  S3StoreBuilder(S3Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** {@code k3s} (default) or {@code rke2}: the prefix of the user metadata keys, per flavour. */
  public S3StoreBuilder metadataPrefix(String prefix) {
    this.metadataPrefix = Objects.requireNonNull(prefix, "prefix");
    return this;
  }

  /** Bytes per multipart part (default 16 MiB; S3's minimum is 5 MiB). */
  public S3StoreBuilder partSize(long bytes) {
    if (bytes < 5L << 20) {
      throw new IllegalArgumentException("part size must be at least 5 MiB");
    }
    this.partSize = bytes;
    return this;
  }

  /** Files larger than this go multipart (default 16 MiB). */
  public S3StoreBuilder multipartThreshold(long bytes) {
    this.multipartThreshold = bytes;
    return this;
  }

  /** Parts uploaded at the same time per upload (default 4). */
  public S3StoreBuilder partsInFlight(int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("parts in flight must be at least 1");
    }
    this.partsInFlight = parts;
    return this;
  }

  /** Adds an SDK interceptor (metrics, request counting in tests). */
  public S3StoreBuilder interceptor(ExecutionInterceptor interceptor) {
    interceptors.add(interceptor);
    return this;
  }

  /** How often a running multipart upload logs its progress (default every 5 s, so short uploads say nothing). */
  public S3StoreBuilder progressEvery(Duration interval) {
    this.progressEvery = Objects.requireNonNull(interval, "interval");
    return this;
  }

  /** Replaces DNS resolution (tests resolve {@code <bucket>.localhost} for virtual-host addressing offline). */
  public S3StoreBuilder dnsResolver(DnsResolver resolver) {
    this.dnsResolver = resolver;
    return this;
  }

  public S3SnapshotStore build() {
    return new S3SnapshotStore(this);
  }
}
