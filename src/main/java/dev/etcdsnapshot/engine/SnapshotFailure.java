package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.StorageKind;
import java.time.Instant;

/**
 * Something a save could not do; it becomes a failure record, an Event and a metric, never only a log line.
 *
 * <p>The record's fields are what k3s writes into its failure record (pkg/etcd/snapshot.go, pkg/etcd/s3/s3.go), so
 * the object's name hash (node + location) comes out as k3s's: a failed local save is named after the file it was
 * to write before compression (no {@code .zip}) with an empty location; a failed upload keeps the object's
 * {@code s3://bucket/key}; the time is the snapshot's start, the one in its name.
 *
 * @param stage what failed
 * @param kind the storage the failure concerns
 * @param fileName the snapshot's file name as the record names it
 * @param location where the snapshot was to be, or empty when nothing was made (a failed local save)
 * @param time when the snapshot started (k3s's error.time)
 * @param message what went wrong, in context (which snapshot, which step), for logs, CLI output and statuses;
 *     never a credential
 * @param cause the bare cause, as k3s's {@code error.message}; never a credential
 */
public record SnapshotFailure(
    Stage stage, StorageKind kind, String fileName, String location, Instant time, String message, String cause) {

  /** A failure whose message is its own cause. */
  public SnapshotFailure(Stage stage, StorageKind kind, String fileName, String location, Instant time,
      String message) {
    this(stage, kind, fileName, location, time, message, message);
  }

  /** The step of a save that failed. */
  public enum Stage {
    /** Streaming, verifying, compressing or storing the local file: there is no snapshot. */
    SAVE,
    /** The S3 copy: the local snapshot is kept. */
    UPLOAD,
    /** Pruning by retention: the new snapshot is kept. */
    RETENTION,
    /**
     * The S3 store could not be configured or reached, so no upload was tried: k3s records it under node
     * {@code s3} with an empty location.
     */
    S3_CLIENT
  }
}
