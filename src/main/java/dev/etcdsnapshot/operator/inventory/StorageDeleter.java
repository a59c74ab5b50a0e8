package dev.etcdsnapshot.operator.inventory;

import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.operator.s3.S3Stores;
import dev.etcdsnapshot.storage.SnapshotStore;
import dev.etcdsnapshot.storage.StorageKind;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Deletes the data of Delete-policy objects through the engine: a local file (and its metadata sidecar) from this
 * node's directory, or an S3 object (and its metadata object) from the store of a schedule whose settings reach
 * the same bucket, folder and endpoint — the credentials are read from that schedule's Secret at that moment.
 */
public final class StorageDeleter implements SnapshotDeleter {

  private final String node;
  private final SnapshotEngine engine;
  private final S3Stores s3;

  /**
   * @param node this agent's node; {@code null} on the leader, which deletes S3 objects only
   * @param engine this node's engine; {@code null} on the leader
   */
  public StorageDeleter(String node, SnapshotEngine engine, S3Stores s3) {
    this.node = node;
    this.engine = engine;
    this.s3 = s3;
  }

  @Override
  public void delete(SnapshotData data) throws Exception {
    if (data.kind() == StorageKind.LOCAL) {
      if (engine == null || !data.storageNode().equals(node)) {
        throw new IllegalStateException("snapshot " + data.fileName() + " is on node " + data.storageNode()
            + "; only that node's agent can delete it");
      }
      engine.delete(List.of(data.fileName()));
      return;
    }
    Optional<S3Stores.Found> found = s3.find(data.s3());
    if (found.isEmpty()) {
      throw new IllegalStateException("no ETCDSnapshotSchedule or ETCDSnapshotRequest has S3 settings for bucket "
          + data.s3().bucket() + " folder '" + (data.s3().prefix() == null ? "" : data.s3().prefix())
          + "', so there are no credentials to delete " + data.fileName() + " with");
    }
    try (SnapshotStore store = found.get().opened().store()) {
      SnapshotEngine.delete(store, List.of(data.fileName()));
    } catch (IOException e) {
      throw new IOException("could not delete " + data.fileName() + " from S3: " + e.getMessage(), e);
    }
  }
}
