package dev.etcdsnapshot.operator.inventory;

import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.storage.StorageKind;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our finalizer on ETCDSnapshotFile objects whose deletion policy is Delete: when such an object is deleted and the
 * deletion is ours to honour — the object carries the deletion mark {@link SnapshotLabels#DELETE_DATA_ANNOTATION}
 * {@code =true} — the snapshot's data is removed first (through a {@link SnapshotDeleter}), then the finalizer is
 * released and {@code ETCDSnapshotDeleted} emitted. A deletion without the mark (k3s's reconcile deletes objects
 * whose file it does not see that way) releases the finalizer, keeps the data and says so
 * ({@code ETCDSnapshotDataKept}); the sync brings the object back. Retain objects carry no finalizer (their deletion never touches data and the
 * sync brings them back while the data exists); one still found on an object whose annotation now says Retain is
 * simply released.
 *
 * <p>Deleting the CRD never deletes data, by construction: (1) Retain, the default, has no finalizer, so nothing
 * runs at all; (2) when the API server removes the objects because their CRD is being deleted, the CRD already
 * carries a deletionTimestamp (it is marked first, then its objects are removed), and this class checks the CRD
 * before calling the deleter: if the CRD is terminating or gone, the finalizer is released and the data kept. The
 * chart never deletes CRDs either (Helm leaves {@code crds/} in place on uninstall).
 *
 * <p>Who calls it: the agent of the node holding a local file (only it can reach that file), the leader for S3
 * objects; {@link #isResponsible} says which.
 */
public final class SnapshotFileFinalizer {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFileFinalizer.class);

  private final KubernetesClient client;
  private final SnapshotDeleter deleter;
  private final SnapshotEvents events;
  private final String storageNodeLabel;
  private final SnapshotFileWriter writer;

  public SnapshotFileFinalizer(KubernetesClient client, SnapshotDeleter deleter, SnapshotEvents events, Flavor flavor) {
    this.client = Objects.requireNonNull(client, "client");
    this.deleter = Objects.requireNonNull(deleter, "deleter");
    this.events = Objects.requireNonNull(events, "events");
    this.storageNodeLabel = SnapshotLabels.storageNodeLabel(flavor);
    this.writer = new SnapshotFileWriter(client, events, storageNodeLabel, SnapshotLabels.tokenHashAnnotation(flavor));
  }

  /** Whether a process on {@code node} (the leader or not) handles this object's finalizer. */
  public static boolean isResponsible(EtcdSnapshotFile file, Flavor flavor, String node, boolean leader) {
    SnapshotData data = SnapshotData.of(file, SnapshotLabels.storageNodeLabel(flavor));
    return data.kind() == StorageKind.S3 ? leader : Objects.equals(data.storageNode(), node);
  }

  /**
   * Handles an object being deleted (deletionTimestamp set, our finalizer present); anything else is left alone.
   * Call again after {@link Outcome#FAILED}, with a backoff.
   */
  public Outcome handleDeletion(EtcdSnapshotFile file) {
    if (file.getMetadata().getDeletionTimestamp() == null || !SnapshotFileWriter.hasFinalizer(file)) {
      return Outcome.NOT_APPLICABLE;
    }
    Boolean crdGoing = crdIsGoing(file);
    if (crdGoing == null) {
      return Outcome.FAILED;
    }
    if (crdGoing) {
      LOG.info("CRD {} is being deleted: releasing {} and keeping its data", EtcdSnapshotFile.CRD_NAME, name(file));
      writer.releaseFinalizer(file);
      return Outcome.RELEASED_DATA_KEPT;
    }
    boolean deletePolicy = SnapshotFileProjection.deletionPolicyOf(file) == DeletionPolicy.DELETE && hasData(file);
    boolean delete = deletePolicy && isMarked(file);
    if (delete) {
      try {
        deleter.delete(SnapshotData.of(file, storageNodeLabel));
      } catch (Exception e) {
        events.deleteFailed(file, String.valueOf(e.getMessage()));
        return Outcome.FAILED;
      }
    }
    if (writer.releaseFinalizer(file)) {
      if (deletePolicy && !delete) {
        LOG.info("{} was deleted without {}=true: its data is kept", name(file), SnapshotLabels.DELETE_DATA_ANNOTATION);
        events.dataKept(file);
      }
      events.deleted(file);
    }
    return delete ? Outcome.DATA_DELETED : Outcome.RELEASED_DATA_KEPT;
  }

  /**
   * Whether the deletion is ours to honour: the object carries the deletion mark. k3s's reconcile deletes the
   * objects of its node whose file it does not see with a plain delete (after any {@code k3s etcd-snapshot save},
   * even with its schedule off) and never sets our annotation, so its deletions never reach the data.
   */
  static boolean isMarked(EtcdSnapshotFile file) {
    var annotations = file.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(SnapshotLabels.DELETE_DATA_ANNOTATION));
  }

  /**
   * Releases our finalizer without deleting data, for objects whose data cannot be reached any more (the node
   * holding a local file is gone), and says why in a Warning; objects without our finalizer are left as they are.
   *
   * @return false when the object is gone already
   */
  public boolean release(EtcdSnapshotFile file, String reason) {
    if (!SnapshotFileWriter.hasFinalizer(file)) {
      return true;
    }
    if (!writer.releaseFinalizer(file)) {
      return false;
    }
    events.deleteFailed(file, reason + "; the object is removed, the data (if any) is kept");
    return true;
  }

  /** A failure record points at nothing: a failed local save has no file, a failed upload no object. */
  private static boolean hasData(EtcdSnapshotFile file) {
    boolean failure = file.getStatus() != null && file.getStatus().getError() != null;
    String location = file.getSpec().getLocation();
    return !failure && location != null && !location.isEmpty();
  }

  /**
   * True when the CRD is gone or terminating; {@code null} (and a Warning) when that cannot be known, in which case
   * nothing is deleted and the finalizer stays until it can (the operator's role needs {@code get} on
   * {@code customresourcedefinitions/etcdsnapshotfiles.k3s.cattle.io}).
   */
  private Boolean crdIsGoing(EtcdSnapshotFile file) {
    try {
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().withName(EtcdSnapshotFile.CRD_NAME).get();
      return crd == null || crd.getMetadata().getDeletionTimestamp() != null;
    } catch (KubernetesClientException e) {
      events.deleteFailed(file, "cannot read CRD " + EtcdSnapshotFile.CRD_NAME + " to rule out its deletion (HTTP "
          + e.getCode() + "); the data is kept and the object stays until it can be read");
      return null;
    }
  }

  private static String name(EtcdSnapshotFile file) {
    return file.getMetadata().getName();
  }

  /** What {@link #handleDeletion} did. */
  public enum Outcome {
    /** Not being deleted, or not ours to finalize. */
    NOT_APPLICABLE,
    /** The data was removed, then the finalizer. */
    DATA_DELETED,
    /** The finalizer was removed and the data kept (Retain, a failure record, or the CRD being deleted). */
    RELEASED_DATA_KEPT,
    /** The data could not be removed; the finalizer stays, an Event says why. */
    FAILED
  }
}
