package dev.etcdsnapshot.operator.inventory;

/**
 * Removes the data behind an ETCDSnapshotFile whose deletion policy is Delete: the local file and its
 * {@code .metadata} sidecar on the node holding it, or the S3 object and its metadata object. Implemented by the
 * operator with the engine and stores; the inventory itself never touches storage.
 */
@FunctionalInterface
public interface SnapshotDeleter {

  /**
   * Deletes the data. Data that is already gone counts as deleted, so a retry after a partial failure succeeds.
   *
   * @throws Exception when the data may still exist; the object then keeps its finalizer and the message (which must
   *     not carry a credential) goes into an Event
   */
  void delete(SnapshotData data) throws Exception;
}
