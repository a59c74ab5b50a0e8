package dev.etcdsnapshot.operator.inventory;

import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotFailure;
import dev.etcdsnapshot.model.EtcdSnapshotError;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.operator.s3.S3StoreIdentity;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Keeps the ETCDSnapshotFile objects a mirror of storage (k3s-compat §6.3, §7): storage is the truth, the objects
 * are a projection this class may create or delete at any time. It never reads etcd, disks or S3 itself: the
 * caller hands it the engine's save results and the stores' listings.
 *
 * <p>Each sync owns a well-defined set of objects and touches no other: a local sync the objects labelled with its
 * node, an S3 sync the objects labelled {@code s3} whose {@code spec.s3} names its bucket, folder and endpoint. One
 * list request per sync, then only the differences are written.
 */
public final class SnapshotInventory {

  /** How long a failure record outlives its error (k3s: 24 h). */
  public static final Duration FAILURE_RECORD_TTL = Duration.ofHours(24);

  /** How long a fresh S3 object is kept although the listing lacks it (another node's upload may be in flight). */
  public static final Duration S3_GRACE = Duration.ofMinutes(1);

  /** API writes a sync has in flight at once by default. */
  public static final int DEFAULT_PARALLELISM = 8;

  private final SnapshotFileProjection projection;
  private final SnapshotEvents events;
  private final Clock clock;
  private final DeletionPolicyLookup policies;
  private final SnapshotFileWriter writer;
  private final int parallelism;

  /**
   * @param client the API client
   * @param projection how snapshots become objects (and which flavour's keys they carry)
   * @param events where Events go
   * @param clock the time failure-record expiry and the S3 grace are measured against
   * @param policies the deletion policy of objects a sync creates for snapshots it finds
   */
  public SnapshotInventory(
      KubernetesClient client,
      SnapshotFileProjection projection,
      SnapshotEvents events,
      Clock clock,
      DeletionPolicyLookup policies) {
    this(client, projection, events, clock, policies, DEFAULT_PARALLELISM);
  }

  /**
   * As above, with the number of API writes a sync may have in flight at once (1 writes one by one).
   */
  public SnapshotInventory(
      KubernetesClient client,
      SnapshotFileProjection projection,
      SnapshotEvents events,
      Clock clock,
      DeletionPolicyLookup policies,
      int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    this.parallelism = parallelism;
    this.projection = Objects.requireNonNull(projection, "projection");
    this.events = Objects.requireNonNull(events, "events");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.writer = new SnapshotFileWriter(
        client,
        events,
        SnapshotLabels.storageNodeLabel(projection.flavor()),
        SnapshotLabels.tokenHashAnnotation(projection.flavor()));
  }

  /**
   * Records one save (or retried upload): an object for each snapshot created (an S3 copy replacing the failure
   * record of its earlier failed upload), a failure record for a failed save or upload, a Node Event for a failed
   * retention, and the removal of the objects of the snapshots retention pruned (immediately,
   * without the failure-record TTL or the S3 grace). This is the whole of what a save does to the objects: the
   * directory and the stores are mirrored by the syncs on their interval, not after each save.
   *
   * @return the names of the objects this save made or brought up to date (snapshots and failure records), in the
   *     order of the result's snapshots, then its failures
   */
  public List<String> recordSave(SaveResult result, ProjectionContext context) {
    List<String> names = new ArrayList<>();
    for (StoredSnapshot snapshot : result.created()) {
      EtcdSnapshotFile object = projection.project(snapshot, context);
      writer.create(object);
      names.add(object.getMetadata().getName());
      if (snapshot.kind() == StorageKind.S3 && context.node() != null) {
        removeUploadFailure(snapshot, context);
      }
    }
    for (SnapshotFailure failure : result.failures()) {
      if (failure.stage() == SnapshotFailure.Stage.RETENTION) {
        events.retentionFailed(context.node(), failure.kind(), failure.cause());
      } else {
        EtcdSnapshotFile record = projection.projectFailure(failure, context);
        writer.create(record);
        names.add(record.getMetadata().getName());
      }
    }
    removePruned(result.pruned(), context);
    return names;
  }

  /** Removes the objects of the snapshots a save's retention pruned. */
  private void removePruned(List<StoredSnapshot> pruned, ProjectionContext context) {
    List<EtcdSnapshotFile> s3Objects = null;
    for (StoredSnapshot snapshot : pruned) {
      List<EtcdSnapshotFile> gone;
      if (snapshot.kind() == StorageKind.S3) {
        // Retention lists S3 without each object's uploader, which is part of the object's name (k3s-compat §2);
        // the location names the object as well (k3s matches by snapshot name, §6.3).
        if (s3Objects == null) {
          s3Objects = writer.list(SnapshotLabels.STORAGE_NODE_S3);
        }
        gone = s3Objects.stream().filter(f -> f.getSpec() != null
            && snapshot.location().equals(f.getSpec().getLocation())
            && (context.s3() == null || context.s3().holds(f.getSpec().getS3()))).toList();
      } else {
        EtcdSnapshotFile file = writer.get(projection.project(snapshot, context).getMetadata().getName());
        gone = file == null ? List.of() : List.of(file);
      }
      gone.forEach(writer::remove);
    }
  }

  /**
   * A retried upload that succeeded replaces the failure record of the upload that failed (same file, same node):
   * the record says the copy is missing, and it is not any more.
   */
  private void removeUploadFailure(StoredSnapshot copy, ProjectionContext context) {
    SnapshotFailure failed = new SnapshotFailure(SnapshotFailure.Stage.UPLOAD, StorageKind.S3, copy.fileName(), "",
        copy.createdAt(), "");
    EtcdSnapshotFile record = writer.get(projection.projectFailure(failed, context).getMetadata().getName());
    if (record != null && record.getStatus() != null && record.getStatus().getError() != null) {
      writer.remove(record);
    }
  }

  /**
   * Mirrors the snapshot directory of {@code node}: creates objects for files without one, updates objects that
   * differ, deletes objects whose file is gone, except failure records younger than 24 hours.
   *
   * @param listing the complete listing of the directory; when listing failed, do not call this at all (an empty
   *     listing means "no snapshots" and removes every object of the node)
   */
  public SyncReport syncLocal(String node, Collection<StoredSnapshot> listing) {
    Objects.requireNonNull(node, "node");
    Map<String, EtcdSnapshotFile> desired = new LinkedHashMap<>();
    for (StoredSnapshot snapshot : listing) {
      requireKind(snapshot, StorageKind.LOCAL);
      ProjectionContext context = new ProjectionContext(node, null, null, policies.policyFor(snapshot));
      EtcdSnapshotFile file = projection.project(snapshot, context);
      desired.put(file.getMetadata().getName(), file);
    }
    return sync(node, file -> true, desired, false);
  }

  /**
   * Mirrors one S3 store (bucket, folder, endpoint): as {@link #syncLocal} for the objects of that store, and objects
   * created less than a minute ago are kept even when the listing lacks them.
   *
   * @param listing the complete listing of the store (every snapshot object under the folder); when listing failed,
   *     do not call this (as k3s, which then skips the S3 part of its reconcile)
   */
  public SyncReport syncS3(S3StoreIdentity store, Collection<StoredSnapshot> listing) {
    Objects.requireNonNull(store, "store");
    Map<String, EtcdSnapshotFile> desired = new LinkedHashMap<>();
    for (StoredSnapshot snapshot : listing) {
      requireKind(snapshot, StorageKind.S3);
      ProjectionContext context = new ProjectionContext(null, store, null, policies.policyFor(snapshot));
      EtcdSnapshotFile file = projection.project(snapshot, context);
      desired.put(file.getMetadata().getName(), file);
    }
    // An S3 client failure whose settings could not even be read names no store; any S3 sync expires it.
    return sync(SnapshotLabels.STORAGE_NODE_S3, file -> store.holds(file.getSpec().getS3())
        || (file.getSpec().getS3() == null && file.getStatus() != null && file.getStatus().getError() != null),
        desired, true);
  }

  private SyncReport sync(
      String storageNode, Predicate<EtcdSnapshotFile> owned, Map<String, EtcdSnapshotFile> desired, boolean s3) {
    Instant now = clock.instant();
    List<EtcdSnapshotFile[]> updates = new ArrayList<>();
    List<EtcdSnapshotFile> removals = new ArrayList<>();
    int kept = 0;
    Map<String, String> uploaderUnknown = s3 ? uploaderUnknownByLocation(desired) : Map.of();
    for (EtcdSnapshotFile file : writer.list(storageNode)) {
      if (file.getSpec() == null || !owned.test(file)) {
        continue;
      }
      EtcdSnapshotFile wanted = desired.remove(file.getMetadata().getName());
      if (wanted == null && uploaderUnknown.containsKey(file.getSpec().getLocation())) {
        // Its HEAD failed this time, so the listing lacks the uploader the object's name was made from: the object
        // stays as it is rather than being replaced under a name without it (and back at the next sync).
        desired.remove(uploaderUnknown.get(file.getSpec().getLocation()));
        kept++;
        continue;
      }
      if (file.getMetadata().getDeletionTimestamp() != null) {
        kept++; // the finalizer's business; a later sync re-creates it once it is gone, if the data still exists
      } else if (wanted != null) {
        updates.add(new EtcdSnapshotFile[] {file, wanted});
      } else if (isFreshFailureRecord(file, now) || (s3 && isInGrace(file, now))) {
        kept++;
      } else {
        removals.add(file);
      }
    }
    AtomicReference<SyncReport> report = new AtomicReference<>(new SyncReport(0, 0, removals.size(), 0, kept));
    ConcurrentWrites.forEach(updates, parallelism, pair -> report.accumulateAndGet(
        writer.mergeAndUpdate(pair[0], pair[1]) == SnapshotFileWriter.Outcome.UPDATED
            ? new SyncReport(0, 1, 0, 0, 0) : new SyncReport(0, 0, 0, 1, 0),
        SyncReport::plus));
    ConcurrentWrites.forEach(removals, parallelism, writer::remove);
    ConcurrentWrites.forEach(
        desired.values(), parallelism, file -> report.accumulateAndGet(write(file), SyncReport::plus));
    return report.get();
  }

  private SyncReport write(EtcdSnapshotFile desired) {
    return switch (writer.create(desired)) {
      case CREATED -> new SyncReport(1, 0, 0, 0, 0);
      case UPDATED -> new SyncReport(0, 1, 0, 0, 0);
      case UNCHANGED -> new SyncReport(0, 0, 0, 1, 0);
    };
  }

  /** Location to object name of the listed S3 snapshots whose uploader is unknown (node {@code s3}). */
  private static Map<String, String> uploaderUnknownByLocation(Map<String, EtcdSnapshotFile> desired) {
    Map<String, String> out = new LinkedHashMap<>();
    desired.forEach((name, file) -> {
      if (SnapshotLabels.STORAGE_NODE_S3.equals(file.getSpec().getNodeName())) {
        out.put(file.getSpec().getLocation(), name);
      }
    });
    return out;
  }

  /** A failure record whose error is less than 24 hours old (an unreadable time counts as expired). */
  private static boolean isFreshFailureRecord(EtcdSnapshotFile file, Instant now) {
    EtcdSnapshotError error = file.getStatus() == null ? null : file.getStatus().getError();
    if (error == null || error.getTime() == null) {
      return false;
    }
    try {
      return Instant.parse(error.getTime()).plus(FAILURE_RECORD_TTL).isAfter(now);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** An object created less than a minute ago (by the API server's clock, as k3s measures it). */
  private static boolean isInGrace(EtcdSnapshotFile file, Instant now) {
    String created = file.getMetadata().getCreationTimestamp();
    if (created == null) {
      return false;
    }
    try {
      return Instant.parse(created).plus(S3_GRACE).isAfter(now);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static void requireKind(StoredSnapshot snapshot, StorageKind kind) {
    if (snapshot.kind() != kind) {
      throw new IllegalArgumentException(
          "a " + kind.prefix() + " sync got a " + snapshot.kind().prefix() + " snapshot: " + snapshot.fileName());
    }
  }
}
