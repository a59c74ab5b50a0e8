package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.SnapshotStore;
import java.util.Objects;

/**
 * Where a save also uploads its snapshot, and how many to keep there.
 *
 * @param store the remote store (S3)
 * @param retention snapshots to keep per name prefix; 0 keeps all
 * @param scope whose snapshots count towards the retention
 */
public record RemoteCopy(SnapshotStore store, int retention, RetentionScope scope) {
  public RemoteCopy {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(scope, "scope");
    if (retention < 0) {
      throw new IllegalArgumentException("retention must be 0 or more, got " + retention);
    }
  }
}
