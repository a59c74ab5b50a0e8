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
 * @param createdAt the time in the name, else the file's mtime or the object's LastModified
 * @param nodeName the node that holds (local) or uploaded (S3) it; {@code null} for S3 objects without that metadata
 * @param tokenHash the 12-hex server token hash recorded with it, or {@code null}
 * @param metadata the extra metadata sidecar's content, empty when there is none
 */
public record StoredSnapshot(
    String fileName,
    StorageKind kind,
    String location,
    long size,
    Instant createdAt,
    String nodeName,
    String tokenHash,
    Map<String, String> metadata) {

  public StoredSnapshot {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(createdAt, "createdAt");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** True when the snapshot is a single-entry zip. */
  public boolean compressed() {
    return fileName.endsWith(".zip");
  }
}
