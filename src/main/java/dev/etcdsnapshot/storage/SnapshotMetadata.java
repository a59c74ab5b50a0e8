package dev.etcdsnapshot.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What is recorded alongside a finished snapshot when it is put into a store (S3 user metadata, sidecars).
 *
 * @param fileName the snapshot's base name
 * @param nodeName the node that took it
 * @param createdAt the time in its name
 * @param clusterId the cluster identity (k3s: the kube-system namespace UID), or {@code null}
 * @param tokenHash the 12-hex server token hash, or {@code null}
 * @param sha256 hex SHA-256 of the stored bytes, or {@code null} when not computed
 * @param extra the extra metadata map (k3s's extra-metadata ConfigMap data), empty when none
 */
public record SnapshotMetadata(
    String fileName,
    String nodeName,
    Instant createdAt,
    String clusterId,
    String tokenHash,
    String sha256,
    Map<String, String> extra) {

  public SnapshotMetadata {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(createdAt, "createdAt");
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }
}
