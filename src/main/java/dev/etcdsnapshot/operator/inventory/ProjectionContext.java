package dev.etcdsnapshot.operator.inventory;

import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.operator.s3.S3StoreIdentity;
import java.util.Objects;

/**
 * What an ETCDSnapshotFile needs besides the snapshot record itself.
 *
 * @param node the node that saved (for a save) or holds the files (for a local sync); {@code null} in an S3 sync,
 *     where the uploader comes from each object's metadata
 * @param s3 the S3 store of S3 snapshots and S3 failures, or {@code null}
 * @param tokenHash the 12-hex server token hash to annotate when the record has none, or {@code null} (a sync of
 *     re-discovered local files, as in k3s, writes none)
 * @param deletionPolicy what deleting the object does to the data; fixed when the object is created
 */
public record ProjectionContext(String node, S3StoreIdentity s3, String tokenHash, DeletionPolicy deletionPolicy) {

  public ProjectionContext {
    Objects.requireNonNull(deletionPolicy, "deletionPolicy");
  }

  /** A save on {@code node}, with or without S3. */
  public static ProjectionContext save(
      String node, S3StoreIdentity s3, String tokenHash, DeletionPolicy deletionPolicy) {
    return new ProjectionContext(Objects.requireNonNull(node, "node"), s3, tokenHash, deletionPolicy);
  }
}
