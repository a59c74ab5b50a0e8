package dev.etcdsnapshot.operator.inventory;

import dev.etcdsnapshot.engine.SnapshotFailure;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotError;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotFileSpec;
import dev.etcdsnapshot.model.EtcdSnapshotFileStatus;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import dev.etcdsnapshot.model.ByteQuantity;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns what storage and the engine report (a stored snapshot, a failure) into the ETCDSnapshotFile k3s would
 * publish for it: k3s's object name, storage-node label, token-hash annotation, spec and status (k3s-compat §1–3).
 * Pure: no API calls, so the inventory can compare what should exist with what does.
 *
 * <p>Besides k3s's keys, each object carries our deletion-policy annotation and, when that policy is Delete, our
 * finalizer. The policy is copied onto the object when it is created, as a StorageClass's reclaim policy is copied
 * onto a PersistentVolume, because the finalizer must act on it even after the schedule is changed or gone.
 */
public final class SnapshotFileProjection {

  private final Flavor flavor;

  public SnapshotFileProjection(Flavor flavor) {
    this.flavor = Objects.requireNonNull(flavor, "flavor");
  }

  /** The flavour whose label and annotation keys the objects carry. */
  public Flavor flavor() {
    return flavor;
  }

  /** The object for a snapshot that exists in storage: {@code readyToUse: true}, its time and size. */
  public EtcdSnapshotFile project(StoredSnapshot snapshot, ProjectionContext context) {
    String storageNode = storageNode(snapshot.kind(), context);
    String sourceNode = sourceNode(snapshot.kind(), snapshot.nodeName(), context);
    EtcdSnapshotFileSpec spec = spec(snapshot.fileName(), snapshot.kind(), sourceNode, snapshot.location(), context);
    spec.setMetadata(snapshot.metadata().isEmpty() ? null : new LinkedHashMap<>(snapshot.metadata()));
    EtcdSnapshotFileStatus status = new EtcdSnapshotFileStatus();
    status.setReadyToUse(true);
    status.setCreationTime(rfc3339(snapshot.createdAt()));
    status.setSize(ByteQuantity.of(snapshot.size()));
    String name = SnapshotNames.objectName(
        snapshot.kind(), snapshot.fileName(), sourceNode, storageNode, snapshot.location(), snapshot.createdAt());
    String tokenHash = snapshot.tokenHash() != null ? snapshot.tokenHash() : context.tokenHash();
    return object(name, storageNode, tokenHash, context.deletionPolicy(), spec, status);
  }

  /**
   * The failure record for a save or upload that failed: {@code readyToUse: false}, size {@code "0"} and
   * {@code error{time,message}}; the location is empty for a failed local save. Retention failures have no record
   * (they are Node events), so asking for one is refused.
   */
  public EtcdSnapshotFile projectFailure(SnapshotFailure failure, ProjectionContext context) {
    if (failure.stage() == SnapshotFailure.Stage.RETENTION) {
      throw new IllegalArgumentException("a retention failure has no failure record; report it as a Node event");
    }
    Objects.requireNonNull(context.node(), "node of a failed save");
    StorageKind kind = failure.kind();
    String location = failure.location() == null ? "" : failure.location();
    String storageNode = storageNode(kind, context);
    // k3s records an S3 client failure under node "s3" (pkg/etcd/snapshot.go), an upload failure under the uploader.
    String sourceNode = failure.stage() == SnapshotFailure.Stage.S3_CLIENT ? SnapshotLabels.STORAGE_NODE_S3
        : context.node();
    Instant createdAt = SnapshotNames.parseTimestamp(failure.fileName()).orElse(failure.time());
    EtcdSnapshotFileSpec spec = spec(failure.fileName(), kind, sourceNode, location, context);
    EtcdSnapshotError error = new EtcdSnapshotError();
    error.setTime(rfc3339(failure.time()));
    error.setMessage(failure.cause());
    EtcdSnapshotFileStatus status = new EtcdSnapshotFileStatus();
    status.setReadyToUse(false);
    status.setCreationTime(rfc3339(createdAt));
    status.setSize(ByteQuantity.of(0));
    status.setError(error);
    String name = SnapshotNames.objectName(kind, failure.fileName(), sourceNode, storageNode, location, createdAt);
    return object(name, storageNode, context.tokenHash(), context.deletionPolicy(), spec, status);
  }

  /** The storage-node label value: {@code s3} for S3, the node name for local files (k3s-compat §3). */
  static String storageNode(StorageKind kind, ProjectionContext context) {
    if (kind == StorageKind.S3) {
      return SnapshotLabels.STORAGE_NODE_S3;
    }
    return Objects.requireNonNull(context.node(), "node of a local snapshot");
  }

  /** S3: the uploader recorded in the object, else the saving node, else {@code s3}; local: the holding node. */
  private static String sourceNode(StorageKind kind, String recorded, ProjectionContext context) {
    if (kind == StorageKind.LOCAL) {
      return context.node();
    }
    if (recorded != null && !recorded.isEmpty()) {
      return recorded;
    }
    return context.node() != null ? context.node() : SnapshotLabels.STORAGE_NODE_S3;
  }

  private static EtcdSnapshotFileSpec spec(
      String fileName, StorageKind kind, String sourceNode, String location, ProjectionContext context) {
    EtcdSnapshotFileSpec spec = new EtcdSnapshotFileSpec();
    spec.setSnapshotName(fileName);
    spec.setNodeName(sourceNode);
    spec.setLocation(location);
    if (kind == StorageKind.S3 && context.s3() != null) {
      spec.setS3(context.s3().toSpec());
    }
    return spec;
  }

  private EtcdSnapshotFile object(
      String name,
      String storageNode,
      String tokenHash,
      DeletionPolicy policy,
      EtcdSnapshotFileSpec spec,
      EtcdSnapshotFileStatus status) {
    EtcdSnapshotFile file = new EtcdSnapshotFile(name, spec, status);
    ObjectMeta meta = file.getMetadata();
    meta.setLabels(new LinkedHashMap<>(Map.of(SnapshotLabels.storageNodeLabel(flavor), storageNode)));
    Map<String, String> annotations = new LinkedHashMap<>();
    if (tokenHash != null && !tokenHash.isEmpty()) {
      annotations.put(SnapshotLabels.tokenHashAnnotation(flavor), tokenHash);
    }
    annotations.put(SnapshotLabels.DELETION_POLICY_ANNOTATION, policy.value());
    meta.setAnnotations(annotations);
    meta.setFinalizers(policy == DeletionPolicy.DELETE ? new ArrayList<>(List.of(SnapshotLabels.FINALIZER)) : null);
    return file;
  }

  /** RFC3339 with second precision, as metav1.Time serialises. */
  static String rfc3339(Instant time) {
    return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS));
  }

  /** The deletion policy an object carries; anything but an explicit {@code Delete} means Retain. */
  public static DeletionPolicy deletionPolicyOf(EtcdSnapshotFile file) {
    Map<String, String> annotations = file.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(SnapshotLabels.DELETION_POLICY_ANNOTATION);
    return DeletionPolicy.DELETE.value().equals(value) ? DeletionPolicy.DELETE : DeletionPolicy.RETAIN;
  }
}
