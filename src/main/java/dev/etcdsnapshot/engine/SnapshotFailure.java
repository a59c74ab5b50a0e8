package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.StorageKind;
import java.time.Instant;

/**
 * Something a save could not do; it becomes a failure record, an Event and a metric, never only a log line.
 *
 * @param stage what failed
 * @param kind the storage the failure concerns
 * @param fileName the snapshot's file name
 * @param location where the snapshot was to be, or empty when nothing was made (a failed local save)
 * @param time when it failed
 * @param message what went wrong, without any credential
 */
public record SnapshotFailure(
    Stage stage, StorageKind kind, String fileName, String location, Instant time, String message) {

  /** The step of a save that failed. */
  public enum Stage {
    /** Streaming, verifying, compressing or storing the local file: there is no snapshot. */
    SAVE,
    /** The S3 copy: the local snapshot is kept. */
    UPLOAD,
    /** Pruning by retention: the new snapshot is kept. */
    RETENTION
  }
}
