package dev.etcdsnapshot.engine;

/** Which snapshots count towards an S3 retention limit. */
public enum RetentionScope {
  /** Only the snapshots uploaded by the saving node (our default; fixes k3s-io/k3s#9866). */
  NODE,
  /** Every snapshot with the name prefix in the folder, whichever node uploaded it (k3s's behaviour). */
  CLUSTER
}
