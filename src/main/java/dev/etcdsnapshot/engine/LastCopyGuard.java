package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Retention's rule for the last proven copy of a snapshot (issue 9): a local file outside the local retention window
 * may be pruned only if S3 is not configured, or S3 holds a copy proven to be that file (the upload's read-back:
 * size, trailer or zip records), or S3 retention would not keep it either (S3 already holds its {@code retention}
 * intact snapshots newer than it; with S3 retention 0, keep-all, that never happens). And an S3 object that is not
 * shaped like a snapshot never counts toward S3 retention. One guard per prune: it lists S3 once and asks each
 * object at most once. The CLI's {@code prune}, every save's retention and the operator's go through it.
 */
public final class LastCopyGuard {

  private final SnapshotDirectory local;
  private final Optional<RemoteCopy> remote;
  private final String prefix;
  private final Map<String, Boolean> intact = new HashMap<>();
  private List<StoredSnapshot> remoteListing;

  /**
   * @param local the node's directory
   * @param remote the S3 copy and its retention, if S3 is configured
   * @param prefix the name prefix being pruned
   */
  public LastCopyGuard(SnapshotDirectory local, Optional<RemoteCopy> remote, String prefix) {
    this.local = local;
    this.remote = remote;
    this.prefix = prefix;
  }

  /**
   * Whether a local file that the local window leaves out may be deleted.
   *
   * @throws IOException when S3 cannot be asked: the caller keeps the file (nothing is deleted on a guess)
   */
  public boolean mayPruneLocal(StoredSnapshot file) throws IOException {
    if (remote.isEmpty()) {
      return true;
    }
    if (outsideRemoteWindow(file)) {
      return true;
    }
    boolean listed = remoteListing().stream()
        .anyMatch(o -> o.fileName().equals(file.fileName()) && o.size() == file.size());
    return listed && remote.get().store().holdsCopyOf(file.fileName(), local.pathOf(file.fileName()));
  }

  /** Whether an S3 object counts toward S3 retention: it is shaped like a snapshot ({@code SnapshotStore#intact}). */
  public boolean countsRemotely(StoredSnapshot object) throws IOException {
    Boolean known = intact.get(object.fileName());
    if (known == null) {
      known = remote.orElseThrow().store().intact(object);
      intact.put(object.fileName(), known);
    }
    return known;
  }

  /** True when S3 already holds its retention's worth of intact snapshots (of the scope) newer than the file. */
  private boolean outsideRemoteWindow(StoredSnapshot file) throws IOException {
    RemoteCopy copy = remote.orElseThrow();
    if (copy.retention() < 1) {
      return false;
    }
    int newer = 0;
    for (StoredSnapshot o : remoteListing()) {
      if (Retention.inScope(prefix, copy.scope(), local.nodeName()).test(o)
          && o.createdAt().isAfter(file.createdAt()) && countsRemotely(o) && ++newer >= copy.retention()) {
        return true;
      }
    }
    return false;
  }

  /** The S3 listing, read once per guard. */
  public List<StoredSnapshot> remoteListing() throws IOException {
    if (remoteListing == null) {
      remoteListing = remote.orElseThrow().store().list();
    }
    return remoteListing;
  }
}
