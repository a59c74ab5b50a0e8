package dev.etcdsnapshot.engine;

/** Which snapshots count towards an S3 retention limit, and in which order they are kept (see {@link Retention}). */
public enum RetentionScope {
  /**
   * Only the saving node's snapshots, known by their name {@code <prefix>-<node>-<digits>[.zip]}, newest by the
   * time in the name (our default; fixes k3s-io/k3s#9866).
   */
  NODE,
  /**
   * Every snapshot with the name prefix in the folder, whichever node uploaded it, newest by LastModified (k3s's
   * behaviour).
   */
  CLUSTER
}
