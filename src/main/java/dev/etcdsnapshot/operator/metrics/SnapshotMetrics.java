package dev.etcdsnapshot.operator.metrics;

import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotFailure;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's own snapshot metrics (Prometheus names in brackets):
 *
 * <ul>
 *   <li>{@code etcd_snapshot_save_duration_seconds{phase,storage,status}}: one sample per save; {@code phase} is
 *       {@code scheduled} or {@code on-demand}, {@code storage} is {@code local} for a local-only save and
 *       {@code s3} when the save included the S3 copy, {@code status} is {@code success} or {@code error}.
 *   <li>{@code etcd_snapshot_size_bytes{node,storage}}: the size of each snapshot made.
 *   <li>{@code etcd_snapshot_failures_total{node,storage,stage}}: failed saves, uploads and prunes.
 *   <li>{@code etcd_snapshot_last_success_timestamp_seconds{node,storage}}: for staleness alerts.
 *   <li>{@code etcd_snapshot_sync_duration_seconds{storage,status}}: ETCDSnapshotFile syncs.
 * </ul>
 */
public final class SnapshotMetrics {

  /** What triggered a save: the {@code phase} label. */
  public enum Trigger {
    SCHEDULED("scheduled"),
    ON_DEMAND("on-demand");

    private final String label;

    Trigger(String label) {
      this.label = label;
    }
  }

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

  public SnapshotMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** The registry these metrics live in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Records one save and what it made or failed to make. */
  public void recordSave(String node, Trigger trigger, boolean withS3, SaveResult result, Duration took) {
    Timer.builder("etcd.snapshot.save.duration")
        .description("Time to take, store and prune one snapshot")
        .tag("phase", trigger.label)
        .tag("storage", withS3 ? label(StorageKind.S3) : label(StorageKind.LOCAL))
        .tag("status", result.succeeded() ? "success" : "error")
        .register(registry)
        .record(took);
    for (StoredSnapshot s : result.created()) {
      DistributionSummary.builder("etcd.snapshot.size")
          .description("Size of each snapshot made")
          .baseUnit("bytes")
          .tag("node", node)
          .tag("storage", label(s.kind()))
          .register(registry)
          .record(s.size());
      lastSuccess(node, s.kind()).set(clock.millis());
    }
    for (SnapshotFailure f : result.failures()) {
      recordFailure(node, f.kind(), f.stage().name().toLowerCase(Locale.ROOT));
    }
  }

  /** Counts a failure that did not come out of a save (e.g. the S3 Secret could not be used). */
  public void recordFailure(String node, StorageKind kind, String stage) {
    Counter.builder("etcd.snapshot.failures")
        .description("Snapshot saves, uploads and prunes that failed")
        .tag("node", node)
        .tag("storage", label(kind))
        .tag("stage", stage)
        .register(registry)
        .increment();
  }

  /** Records one sync of ETCDSnapshotFile objects with a store. */
  public void recordSync(StorageKind kind, boolean success, Duration took) {
    Timer.builder("etcd.snapshot.sync.duration")
        .description("Time to sync ETCDSnapshotFile objects with a store")
        .tag("storage", label(kind))
        .tag("status", success ? "success" : "error")
        .register(registry)
        .record(took);
  }

  private AtomicLong lastSuccess(String node, StorageKind kind) {
    return lastSuccess.computeIfAbsent(node + "/" + label(kind), k -> {
      AtomicLong millis = new AtomicLong();
      Gauge.builder("etcd.snapshot.last.success.timestamp", millis, m -> m.get() / 1000.0)
          .description("Unix time of the last snapshot made")
          .baseUnit("seconds")
          .tag("node", node)
          .tag("storage", label(kind))
          .register(registry);
      return millis;
    });
  }

  private static String label(StorageKind kind) {
    return kind.prefix();
  }
}
