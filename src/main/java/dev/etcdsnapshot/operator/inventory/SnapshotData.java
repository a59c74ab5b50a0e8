package dev.etcdsnapshot.operator.inventory;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.s3.S3StoreIdentity;
import dev.etcdsnapshot.storage.StorageKind;
import java.util.Objects;

/**
 * The data behind one ETCDSnapshotFile, as a {@link SnapshotDeleter} needs it: a local file (and its metadata
 * sidecar) on one node, or an S3 object (and its metadata object) in one store.
 *
 * @param kind local or S3
 * @param fileName the snapshot's file name ({@code spec.snapshotName})
 * @param location {@code file://<path>} or {@code s3://<bucket>/<key>}
 * @param storageNode the node holding a local file; {@code s3} for S3
 * @param s3 the store of an S3 snapshot, {@code null} for local ones
 */
public record SnapshotData(
    StorageKind kind, String fileName, String location, String storageNode, S3StoreIdentity s3) {

  public SnapshotData {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(location, "location");
  }

  /** What an object points at; S3 when its location is {@code s3://}. */
  public static SnapshotData of(EtcdSnapshotFile file, String storageNodeLabel) {
    String location = file.getSpec().getLocation() == null ? "" : file.getSpec().getLocation();
    StorageKind kind = location.startsWith("s3://") ? StorageKind.S3 : StorageKind.LOCAL;
    String storageNode = file.getMetadata().getLabels() == null
        ? null : file.getMetadata().getLabels().get(storageNodeLabel);
    return new SnapshotData(
        kind,
        file.getSpec().getSnapshotName(),
        location,
        kind == StorageKind.S3 ? SnapshotLabels.STORAGE_NODE_S3 : storageNode,
        S3StoreIdentity.from(file.getSpec().getS3()));
  }
}
