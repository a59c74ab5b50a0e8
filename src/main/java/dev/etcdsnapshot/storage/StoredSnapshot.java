package dev.etcdsnapshot.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One snapshot as a store holds it: the facts a listing can give without reading the snapshot itself.
 *
 * @param fileName the file or object base name, with {@code .zip} when compressed
 * @param kind local disk or S3
 * @param location {@code file://<abs path>} or {@code s3://<bucket>/<key>}
 * @param size bytes as stored (the zip size when compressed)
 * @param createdAt the time in the name, else the file's mtime or the object's LastModified: what is shown
 * @param modifiedAt when the store last wrote it: the file's mtime, the object's LastModified (k3s orders S3
 *     retention by it, k3s-compat §6.2)
 * @param nodeName the node that holds (local) or uploaded (S3) it; {@code null} for S3 objects without that
 *     metadata, and for every S3 object of a plain {@link SnapshotStore#list()}
 * @param tokenHash the 12-hex server token hash recorded with it, or {@code null} (always for a plain S3 listing)
 * @param metadata the extra metadata sidecar's content, empty when there is none (always for a plain S3 listing)
 */
public record StoredSnapshot(
    String fileName,
    StorageKind kind,
    String location,
    long size,
    Instant createdAt,
    Instant modifiedAt,
    String nodeName,
    String tokenHash,
    Map<String, String> metadata) {

  public StoredSnapshot {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(modifiedAt, "modifiedAt");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A snapshot last written at the time of its name (what a store knows right after a put). */
  public StoredSnapshot(String fileName, StorageKind kind, String location, long size, Instant createdAt,
      String nodeName, String tokenHash, Map<String, String> metadata) {
    this(fileName, kind, location, size, createdAt, createdAt, nodeName, tokenHash, metadata);
  }

  /** True when the snapshot is a single-entry zip. */
  public boolean compressed() {
    return fileName.endsWith(".zip");
  }
}
