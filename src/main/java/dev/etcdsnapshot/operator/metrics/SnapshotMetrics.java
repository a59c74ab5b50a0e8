package dev.etcdsnapshot.operator.metrics;

import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotFailure;
import dev.etcdsnapshot.engine.SnapshotTrigger;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The operator's own snapshot metrics (Prometheus names in brackets):
 *
 * <ul>
 *   <li>{@code etcd_snapshot_save_duration_seconds{phase,storage,status}}: one sample per save; {@code phase} is
 *       {@code scheduled} or {@code on-demand}, {@code storage} is {@code local} for a local-only save and
 *       {@code s3} when the save included the S3 copy, {@code status} is {@code success} or {@code error}.
 *   <li>{@code etcd_snapshot_size_bytes{node,storage}}: the size of each snapshot made.
 *   <li>{@code etcd_snapshot_failures_total{node,storage,stage}}: failures; {@code stage} is {@code save},
 *       {@code upload}, {@code retention} or {@code config} (the S3 settings could not be used).
 *   <li>{@code etcd_snapshot_last_success_timestamp_seconds{node,storage}}: the newest snapshot made (or, after a
 *       start, found in the directory), for dashboards.
 *   <li>{@code etcd_snapshot_sync_duration_seconds{storage,status}}: ETCDSnapshotFile syncs.
 *   <li>{@code etcd_snapshot_last_content_verified_timestamp_seconds{node}}: when this node's newest snapshot whose
 *       content was proven against the live member was proven; {@code etcd_snapshot_content_verifications_total
 *       {node,outcome}} counts proofs by outcome ({@code verified}, {@code mismatch}, {@code unreadable},
 *       {@code compacted}, {@code unavailable}).
 *   <li>{@code etcd_snapshot_schedule_interval_seconds{namespace,schedule}}: the gap between the schedule's
 *       previous and next slot at scrape time, in its time zone; {@code etcd_snapshot_schedule_created_timestamp_
 *       seconds{namespace,schedule}}; {@code etcd_snapshot_schedule_last_success_timestamp_seconds{namespace,
 *       schedule,node}} for this agent's node: the staleness alerts. Present only while the schedule exists and
 *       is not suspended.
 *   <li>{@code etcd_snapshot_pending_uploads{namespace,schedule,node}} and {@code
 *       etcd_snapshot_pending_uploads_oldest_age_seconds{namespace,schedule,node}}: local snapshots of a schedule
 *       whose S3 copy is missing and is being retried, and how old the oldest of them is.
 * </ul>
 */
public final class SnapshotMetrics {

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastVerified = new ConcurrentHashMap<>();
  private final Map<ScheduleKey, ScheduleSeries> schedules = new ConcurrentHashMap<>();
  private final Map<ScheduleKey, PendingSeries> pending = new ConcurrentHashMap<>();

  public SnapshotMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** The registry these metrics live in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Records one save and what it made or failed to make. */
  public void recordSave(String node, SnapshotTrigger trigger, boolean withS3, SaveResult result, Duration took) {
    Timer.builder("etcd.snapshot.save.duration")
        .description("Time to take, store and prune one snapshot")
        .tag("phase", trigger.label())
        .tag("storage", withS3 ? label(StorageKind.S3) : label(StorageKind.LOCAL))
        .tag("status", result.succeeded() ? "success" : "error")
        .register(registry)
        .record(took);
    recordUpload(node, result);
  }

  /**
   * Records what a save or a retried upload made (size, last success) or failed to make (failures by stage);
   * {@link #recordSave} includes it.
   */
  public void recordUpload(String node, SaveResult result) {
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

  /**
   * Seeds the last-success gauge of a store from its newest snapshot, so that an agent restart does not make the
   * series vanish until the next save; a newer value already recorded is kept.
   */
  public void seedLastSuccess(String node, StorageKind kind, Collection<StoredSnapshot> listing) {
    listing.stream().map(StoredSnapshot::createdAt).max(Comparator.naturalOrder())
        .ifPresent(newest -> lastSuccess(node, kind).accumulateAndGet(newest.toEpochMilli(), Math::max));
  }

  /**
   * Exports (or updates) the series of an active schedule as this agent sees it.
   *
   * @param gap the schedule's gap between the previous and the next slot around a given time, empty when the cron
   *     has no such slots
   * @param node this agent's node
   * @param lastSuccess when {@code node} last succeeded on this schedule; empty when it never did or the schedule
   *     does not select it (no series then)
   */
  public void scheduleActive(String namespace, String schedule, Instant created,
      Function<Instant, Optional<Duration>> gap, String node, Optional<Instant> lastSuccess) {
    ScheduleSeries series = schedules.computeIfAbsent(new ScheduleKey(namespace, schedule),
        k -> new ScheduleSeries(k, gap));
    series.update(created, gap, node, lastSuccess);
  }

  /** Removes every series of a schedule: it was deleted or suspended, and must not alert. */
  public void scheduleInactive(String namespace, String schedule) {
    ScheduleSeries series = schedules.remove(new ScheduleKey(namespace, schedule));
    if (series != null) {
      series.remove();
    }
    PendingSeries pendingSeries = pending.remove(new ScheduleKey(namespace, schedule));
    if (pendingSeries != null) {
      registry.remove(pendingSeries.count);
      registry.remove(pendingSeries.age);
    }
  }

  /**
   * Exports this node's pending uploads of a schedule: how many local snapshots lack their S3 copy, and the age of
   * the oldest of them (0 when none).
   *
   * @param oldest when the oldest pending snapshot was taken; empty when none is pending
   */
  public void pendingUploads(String namespace, String schedule, String node, int count, Optional<Instant> oldest) {
    PendingSeries series = pending.computeIfAbsent(new ScheduleKey(namespace, schedule),
        k -> new PendingSeries(k, node));
    series.countValue.set(count);
    series.oldestMillis.set(oldest.map(Instant::toEpochMilli).orElse(0L));
  }

  /** The two pending-upload gauges of one schedule on this node, and the values they read. */
  private final class PendingSeries {
    final AtomicLong countValue = new AtomicLong();
    final AtomicLong oldestMillis = new AtomicLong();
    final Gauge count;
    final Gauge age;

    PendingSeries(ScheduleKey key, String node) {
      count = Gauge.builder("etcd.snapshot.pending.uploads", countValue, AtomicLong::get)
          .description("Local snapshots of the schedule on this node whose S3 copy is missing and is retried")
          .tag("namespace", key.namespace())
          .tag("schedule", key.schedule())
          .tag("node", node)
          .register(registry);
      age = Gauge.builder("etcd.snapshot.pending.uploads.oldest.age", oldestMillis,
              m -> m.get() == 0 ? 0 : Math.max(0, clock.millis() - m.get()) / 1000.0)
          .description("Age of the oldest local snapshot of the schedule on this node whose S3 copy is missing")
          .baseUnit("seconds")
          .tag("namespace", key.namespace())
          .tag("schedule", key.schedule())
          .tag("node", node)
          .register(registry);
    }
  }

  private record ScheduleKey(String namespace, String schedule) {}

  /** The gauges of one schedule; the state they read is held here (gauges keep only weak references). */
  private final class ScheduleSeries {

    private final ScheduleKey key;
    private final AtomicLong createdMillis = new AtomicLong();
    private final AtomicLong successMillis = new AtomicLong();
    private final Gauge interval;
    private final Gauge created;
    private volatile Function<Instant, Optional<Duration>> gap;
    private Gauge success;
    private String successNode;

    ScheduleSeries(ScheduleKey key, Function<Instant, Optional<Duration>> gap) {
      this.key = key;
      this.gap = gap;
      this.interval = Gauge.builder("etcd.snapshot.schedule.interval", this, ScheduleSeries::intervalSeconds)
          .description("Gap between the schedule's previous and next slot, now, in its time zone")
          .baseUnit("seconds")
          .tag("namespace", key.namespace())
          .tag("schedule", key.schedule())
          .register(registry);
      this.created = Gauge.builder("etcd.snapshot.schedule.created.timestamp", createdMillis, m -> m.get() / 1000.0)
          .description("Unix time the schedule was created")
          .baseUnit("seconds")
          .tag("namespace", key.namespace())
          .tag("schedule", key.schedule())
          .register(registry);
    }

    private double intervalSeconds() {
      return gap.apply(clock.instant()).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
    }

    synchronized void update(Instant createdAt, Function<Instant, Optional<Duration>> newGap, String node,
        Optional<Instant> lastSuccess) {
      gap = newGap;
      createdMillis.set(createdAt.toEpochMilli());
      if (lastSuccess.isEmpty() || !node.equals(successNode)) {
        dropSuccess();
      }
      lastSuccess.ifPresent(at -> {
        successMillis.set(at.toEpochMilli());
        if (success == null) {
          successNode = node;
          success = Gauge.builder("etcd.snapshot.schedule.last.success.timestamp", successMillis,
                  m -> m.get() / 1000.0)
              .description("Unix time this node last succeeded on the schedule")
              .baseUnit("seconds")
              .tag("namespace", key.namespace())
              .tag("schedule", key.schedule())
              .tag("node", node)
              .register(registry);
        }
      });
    }

    synchronized void remove() {
      dropSuccess();
      registry.remove(interval);
      registry.remove(created);
    }

    private void dropSuccess() {
      if (success != null) {
        registry.remove(success);
        success = null;
        successNode = null;
      }
    }
  }

  /** Records a content proof: its outcome, and the time of a verified one. */
  public void recordContentProof(String node, dev.etcdsnapshot.engine.ContentProof proof) {
    String outcome = proof.outcome().name().toLowerCase(java.util.Locale.ROOT);
    registry.counter("etcd.snapshot.content.verifications", "node", node, "outcome", outcome).increment();
    if (proof.verified()) {
      lastVerified(node, proof.at());
    }
  }

  /**
   * Seeds the newest-content-verified gauge from the newest {@code verified-at} of the node's snapshots, so that
   * a restart neither makes the series vanish nor fires the staleness alert; a newer value already recorded is kept.
   */
  public void seedLastVerified(String node, Instant verifiedAt) {
    lastVerified(node, verifiedAt);
  }

  /**
   * Counts a re-verification of a stored copy that found it changed or unreadable
   * ({@code etcd_snapshot_reverify_failures_total{storage}}); the copy is kept.
   */
  public void recordReverifyFailure(StorageKind kind) {
    Counter.builder("etcd.snapshot.reverify.failures")
        .description("Re-verifications of stored snapshot copies that found the copy changed or unreadable")
        .tag("storage", label(kind))
        .register(registry)
        .increment();
  }

  private void lastVerified(String node, Instant at) {
    lastVerified.computeIfAbsent(node, k -> {
      AtomicLong millis = new AtomicLong();
      Gauge.builder("etcd.snapshot.last.content.verified.timestamp", millis, m -> m.get() / 1000.0)
          .description("Unix time of the newest successful content proof of this node's snapshots")
          .baseUnit("seconds")
          .tag("node", node)
          .register(registry);
      return millis;
    }).accumulateAndGet(at.toEpochMilli(), Math::max);
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
