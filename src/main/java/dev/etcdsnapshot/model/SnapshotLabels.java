package dev.etcdsnapshot.model;

/**
 * Every label, annotation and finalizer key the operator reads or writes on ETCDSnapshotFile objects and Nodes
 * (k3s-compat §0, §3), in one place.
 */
public final class SnapshotLabels {

  /** The storage-node label value of S3 snapshots; local ones carry their node's name. */
  public static final String STORAGE_NODE_S3 = "s3";

  /**
   * Our finalizer. It is on every object we create so that deleting an object can, under deletionPolicy Delete,
   * remove the data before the object goes; under Retain it is simply released.
   */
  public static final String FINALIZER = "etcdsnapshot.dev/snapshot-data";

  /**
   * The finalizer k3s's leader-elected controller puts on every ETCDSnapshotFile (wrangler's {@code
   * wrangler.cattle.io/} + handler name). We never add it: only k3s's controller removes it (after dropping its
   * legacy ConfigMap entry), so an object carrying it with no k3s running could never be deleted. Kept here so code
   * and tests can recognise objects k3s manages.
   */
  public static final String K3S_FINALIZER = "wrangler.cattle.io/managed-etcd-snapshots-controller";

  /**
   * Annotation carrying the deletion policy ({@code Retain} or {@code Delete}) an object was projected with, taken
   * from the schedule's or request's {@code deletionPolicy}. The object must carry it because the finalizer runs when
   * the schedule may be gone; a missing or unknown value means Retain, so nothing is ever deleted by accident.
   */
  public static final String DELETION_POLICY_ANNOTATION = "etcdsnapshot.dev/deletion-policy";

  /**
   * The deletion mark: a Delete-policy object's data is removed only when the object carries this annotation with
   * the value {@code "true"} when it is deleted. A plain deletion — which is how k3s's reconcile removes the objects
   * of files it does not see in its own directory or bucket — releases the finalizer and keeps the data, so
   * coexisting with k3s never loses a snapshot. Nothing but a user (or their tooling) sets it.
   */
  public static final String DELETE_DATA_ANNOTATION = "etcdsnapshot.dev/delete-data";

  /** The snapshot's etcd revision, written when its content was proven against the live member. */
  public static final String REVISION_ANNOTATION = "etcdsnapshot.dev/revision";

  /** etcd's KV hash of the snapshot at that revision (8 hex digits), equal to the member's HashKV. */
  public static final String KV_HASH_ANNOTATION = "etcdsnapshot.dev/kv-hash";

  /** When the content proof succeeded (RFC 3339). */
  public static final String VERIFIED_AT_ANNOTATION = "etcdsnapshot.dev/verified-at";

  /** The member's compaction revision the {@code kv-hash} honours, so a later re-verification can recompute it. */
  public static final String KV_HASH_COMPACT_REVISION_ANNOTATION = "etcdsnapshot.dev/kv-hash-compact-revision";

  /** Set by a re-verification that found the stored copy changed or unreadable: what it found. */
  public static final String VERIFY_FAILED_ANNOTATION = "etcdsnapshot.dev/verify-failed";

  private SnapshotLabels() {}

  /** {@code etcd.<program>.cattle.io/snapshot-storage-node}: node name for local files, {@code s3} for S3. */
  public static String storageNodeLabel(Flavor flavor) {
    return "etcd." + flavor.program() + ".cattle.io/snapshot-storage-node";
  }

  /** {@code etcd.<program>.cattle.io/snapshot-token-hash}: the 12-hex token hash of the server that saved it. */
  public static String tokenHashAnnotation(Flavor flavor) {
    return "etcd." + flavor.program() + ".cattle.io/snapshot-token-hash";
  }

  /** {@code etcd.<program>.cattle.io/local-snapshots-timestamp} on the Node: time of the last local sync. */
  public static String localSyncTimestampAnnotation(Flavor flavor) {
    return "etcd." + flavor.program() + ".cattle.io/local-snapshots-timestamp";
  }

  /** {@code etcd.<program>.cattle.io/s3-snapshots-timestamp} on the Node: time of the last S3 sync. */
  public static String s3SyncTimestampAnnotation(Flavor flavor) {
    return "etcd." + flavor.program() + ".cattle.io/s3-snapshots-timestamp";
  }
}
