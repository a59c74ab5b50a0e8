package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.SnapshotFolder;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's deletions by retention ({@link SnapshotEngine#prune} and a save's own pruning): what {@link Retention}
 * selects, let go by the {@link LastCopyGuard}, deleted in order and stopping at the first error as k3s does.
 */
final class Pruning {

  private static final Logger LOG = LoggerFactory.getLogger(Pruning.class);

  private Pruning() {}

  /** {@link SnapshotEngine#prune(String, int, Optional)}. */
  static List<StoredSnapshot> prune(SnapshotDirectory local, String prefix, int keep, Optional<RemoteCopy> remote)
      throws IOException {
    requireArguments(prefix, keep);
    LastCopyGuard guard = new LastCopyGuard(local, remote, prefix);
    List<StoredSnapshot> pruned = new ArrayList<>();
    deleteAll(local, guarded(Retention.toPrune(local.list(), prefix, keep), guard), pruned);
    if (remote.isPresent()) {
      RemoteCopy copy = remote.get();
      SnapshotNames.requireValidNodeName(local.nodeName());
      deleteAll(copy.store(), Retention.toPrune(guard.remoteListing(), prefix, copy.retention(), copy.scope(),
          local.nodeName(), guard::countsRemotely), pruned);
    }
    return pruned;
  }

  /** {@link SnapshotEngine#prune(SnapshotFolder, String, int)}. */
  static List<StoredSnapshot> prune(SnapshotFolder store, String prefix, int keep) throws IOException {
    requireArguments(prefix, keep);
    return deleteAll(store, Retention.toPrune(store.list(), prefix, keep), new ArrayList<>());
  }

  /** {@link SnapshotEngine#prune(SnapshotFolder, String, int, RetentionScope, String)}. */
  static List<StoredSnapshot> prune(SnapshotFolder store, String prefix, int keep, RetentionScope scope, String node)
      throws IOException {
    requireArguments(prefix, keep);
    SnapshotNames.requireValidNodeName(node);
    return deleteAll(store, Retention.toPrune(store.list(), prefix, keep, Objects.requireNonNull(scope), node,
        store::intact), new ArrayList<>());
  }

  /** The victims the guard lets go, every one asked before any is deleted; the others are kept, and logged. */
  static List<StoredSnapshot> guarded(List<StoredSnapshot> victims, LastCopyGuard guard) throws IOException {
    List<StoredSnapshot> allowed = new ArrayList<>();
    for (StoredSnapshot victim : victims) {
      if (guard.mayPruneLocal(victim)) {
        allowed.add(victim);
      } else {
        LOG.warn("Kept {} although it is outside the local retention: S3 holds no proven copy of it, and S3 "
            + "retention would keep it", victim.fileName());
      }
    }
    return allowed;
  }

  /**
   * Deletes the victims in order, stopping at the first error as k3s does, and adds to {@code deleted} (returned)
   * those {@code delete} actually removed: nothing is reported pruned that is still there.
   */
  static List<StoredSnapshot> deleteAll(SnapshotFolder store, List<StoredSnapshot> victims,
      List<StoredSnapshot> deleted) throws IOException {
    for (StoredSnapshot victim : victims) {
      if (store.delete(victim.fileName())) {
        deleted.add(victim);
      } else {
        LOG.warn("Snapshot {} was listed for pruning but was not there to delete", victim.fileName());
      }
    }
    return deleted;
  }

  private static void requireArguments(String prefix, int keep) {
    SnapshotNames.requireValidPrefix(prefix);
    if (keep < 0) {
      throw new IllegalArgumentException("snapshot-retention must be 0 or more, got " + keep);
    }
  }
}
