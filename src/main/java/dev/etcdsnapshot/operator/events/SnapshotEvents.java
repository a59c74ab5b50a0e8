package dev.etcdsnapshot.operator.events;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.storage.StorageKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;

/**
 * k3s's snapshot Events (k3s-compat §4): the same reasons, types, messages and involved objects, in namespace
 * {@code default} because ETCDSnapshotFile and Node are cluster-scoped. An Event that cannot be written is logged,
 * never allowed to fail the operation it reports.
 *
 * <p>The source component is configurable ({@code --event-component}): ours ({@link #COMPONENT}) by default, so on a
 * cluster where both run {@code kubectl get events} tells them apart; the chart's k3s and RKE2 presets set k3s's own
 * {@code <flavor>-supervisor} (k3s-io/k3s pkg/util/api.go), so tools filtering on the component see what k3s writes.
 */
public class SnapshotEvents {

  /** Event source component when none is configured. */
  public static final String COMPONENT = "etcd-snapshot-operator";

  /** Namespace of Events about cluster-scoped objects, as client-go's recorder chooses it. */
  public static final String NAMESPACE = "default";

  public static final String CREATED = "ETCDSnapshotCreated";
  public static final String FAILED = "ETCDSnapshotFailed";
  public static final String DELETED = "ETCDSnapshotDeleted";
  public static final String RETENTION_FAILED_LOCAL = "ETCDSnapshotRetentionFailedLocal";
  public static final String RETENTION_FAILED_S3 = "ETCDSnapshotRetentionFailedS3";
  /** Ours: the data of a Delete-policy object could not be removed, so the object stays. */
  public static final String DELETE_FAILED = "ETCDSnapshotDeleteFailed";
  /**
   * Ours: a Delete-policy object was deleted without the deletion mark (as k3s's reconcile deletes objects of files
   * it does not see), so its data was kept.
   */
  public static final String DATA_KEPT = "ETCDSnapshotDataKept";
  /** Ours: the node holding local snapshots is gone; its objects are removed, its files left alone. */
  public static final String NODE_GONE = "ETCDSnapshotNodeGone";
  /** Ours: the snapshot's content differs from the live member's, or its structure cannot be read. */
  public static final String CONTENT_MISMATCH = "ETCDSnapshotContentMismatch";

  private final EventEmitter emitter;

  /**
   * @param client the API client
   * @param clock the time written into Events and their names
   * @param host the node this process runs on ({@code source.host}), or {@code null}
   */
  public SnapshotEvents(KubernetesClient client, Clock clock, String host) {
    this(client, clock, host, COMPONENT);
  }

  /**
   * As above, with the source component the Events name (k3s: {@code k3s-supervisor}).
   */
  public SnapshotEvents(KubernetesClient client, Clock clock, String host, String component) {
    this.emitter = new EventEmitter(client, clock, host, component);
  }

  /** {@code ETCDSnapshotCreated}: {@code Snapshot <name> saved on <node>}. */
  public void created(EtcdSnapshotFile file) {
    emit(ref(file), "Normal", CREATED,
        "Snapshot " + file.getSpec().getSnapshotName() + " saved on " + file.getSpec().getNodeName());
  }

  /** {@code ETCDSnapshotFailed}: {@code Failed to save snapshot <name> on <node>[: <message>]}. */
  public void failed(EtcdSnapshotFile file) {
    String message = file.getStatus() == null || file.getStatus().getError() == null
        ? null : file.getStatus().getError().getMessage();
    emit(ref(file), "Warning", FAILED,
        "Failed to save snapshot " + file.getSpec().getSnapshotName() + " on " + file.getSpec().getNodeName()
            + (message == null || message.isEmpty() ? "" : ": " + message));
  }

  /** {@code ETCDSnapshotCreated} or {@code ETCDSnapshotFailed}, whichever the new object is. */
  public void createdOrFailed(EtcdSnapshotFile file) {
    if (file.getStatus() != null && file.getStatus().getError() != null) {
      failed(file);
    } else {
      created(file);
    }
  }

  /**
   * {@code ETCDSnapshotDeleted}: {@code Snapshot <name> deleted}. Every pod that learns of the deletion may call
   * this (the one that deleted the object, the finalizer, the watch that saw it go): the Event's name is derived
   * from the object's UID, so the API server keeps the first and refuses the others, and each deletion is recorded
   * exactly once.
   */
  public void deleted(EtcdSnapshotFile file) {
    String uid = file.getMetadata().getUid();
    String name = uid == null || uid.isEmpty() ? null : EventEmitter.eventName(file.getMetadata().getName(), "deleted-" + hex12(uid));
    emit(ref(file), "Normal", DELETED, "Snapshot " + file.getSpec().getSnapshotName() + " deleted", name);
  }

  /**
   * Ours: a node is gone, so the leader removes its local objects; on the Node, as k3s's Node Events are.
   *
   * @param why what shows the node is gone
   */
  public void nodeGone(String node, int objects, String why) {
    ObjectReference nodeRef = new ObjectReferenceBuilder()
        .withKind("Node").withApiVersion("v1").withName(node).withUid(node).build();
    emit(nodeRef, "Warning", NODE_GONE, "Node " + node + " is gone (" + why + "): removing its " + objects
        + " local ETCDSnapshotFile object(s); their snapshot files were on that node and are neither deleted nor "
        + "reachable from here", null);
  }

  /** Ours: {@code Snapshot <name> on <node> failed content verification: <message>}. */
  public void contentMismatch(EtcdSnapshotFile file, String message) {
    emit(ref(file), "Warning", CONTENT_MISMATCH, "Snapshot " + file.getSpec().getSnapshotName() + " on "
        + file.getSpec().getNodeName() + " failed content verification: " + message);
  }

  /** Ours: {@code Failed to delete snapshot <name>: <message>}; the object keeps its finalizer. */
  public void deleteFailed(EtcdSnapshotFile file, String message) {
    emit(ref(file), "Warning", DELETE_FAILED,
        "Failed to delete snapshot " + file.getSpec().getSnapshotName() + ": " + message);
  }

  /**
   * Ours: a Delete-policy object went without its data being deleted, because the deletion was not marked as
   * ours to honour; the sync brings the object back while the data exists.
   */
  public void dataKept(EtcdSnapshotFile file) {
    emit(ref(file), "Normal", DATA_KEPT, "Snapshot " + file.getSpec().getSnapshotName() + " kept: its object was "
        + "deleted without the annotation " + SnapshotLabels.DELETE_DATA_ANNOTATION + "=true (k3s's reconcile "
        + "deletes objects this way), so the data stays and the object comes back at the next sync; to delete the "
        + "data, annotate the object first, then delete it");
  }

  /**
   * {@code ETCDSnapshotRetentionFailedLocal} / {@code ...S3} on the Node, whose reference carries the node name as
   * its UID, as k3s writes it.
   *
   * @param message the bare cause; the k3s prefix ({@code Failed to apply ... snapshot retention policy: }) is added
   *     here, once
   */
  public void retentionFailed(String node, StorageKind kind, String message) {
    ObjectReference nodeRef = new ObjectReferenceBuilder()
        .withKind("Node").withApiVersion("v1").withName(node).withUid(node).build();
    if (kind == StorageKind.S3) {
      emit(nodeRef, "Warning", RETENTION_FAILED_S3, "Failed to apply S3 snapshot retention policy: " + message);
    } else {
      emit(nodeRef, "Warning", RETENTION_FAILED_LOCAL,
          "Failed to apply local snapshot retention policy: " + message);
    }
  }

  private static ObjectReference ref(HasMetadata object) {
    return new ObjectReferenceBuilder()
        .withApiVersion(object.getApiVersion())
        .withKind(object.getKind())
        .withName(object.getMetadata().getName())
        .withUid(object.getMetadata().getUid())
        .withResourceVersion(object.getMetadata().getResourceVersion())
        .build();
  }

  private void emit(ObjectReference about, String type, String reason, String message) {
    emit(about, type, reason, message, null);
  }

  /** @param name the Event's name when it must be the same for every pod reporting it; else {@code null} */
  private void emit(ObjectReference about, String type, String reason, String message, String name) {
    emitter.emit(NAMESPACE, about, type, reason, message, name);
  }

  private static String hex12(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
