package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.StoredSnapshot;
import java.util.Comparator;
import java.util.List;

/**
 * Which snapshots retention removes, as k3s decides it (k3s-compat §6.1): the snapshots whose file name starts with
 * the prefix, newest first by creation time, all but the first {@code keep}. Pure selection; the caller deletes.
 * For S3 the same rule applies to a listing the caller has first narrowed (to one node, for per-node retention).
 */
public final class Retention {

  /** Newest first; equal times by file name, descending, so the order is total and repeatable. */
  public static final Comparator<StoredSnapshot> NEWEST_FIRST =
      Comparator.comparing(StoredSnapshot::createdAt).thenComparing(StoredSnapshot::fileName).reversed();

  private Retention() {}

  /**
   * The snapshots to delete so that {@code keep} with this prefix remain, newest to oldest.
   *
   * @param all a store's listing
   * @param prefix the name prefix; a plain prefix match as k3s (no {@code -} required after it)
   * @param keep how many to keep; below 1 nothing is pruned (k3s: retention disabled)
   */
  public static List<StoredSnapshot> toPrune(List<StoredSnapshot> all, String prefix, int keep) {
    if (keep < 1) {
      return List.of();
    }
    return all.stream()
        .filter(s -> s.fileName().startsWith(prefix))
        .sorted(NEWEST_FIRST)
        .skip(keep)
        .toList();
  }

  /**
   * The retention a save applies on its own: as {@link #toPrune}, but on-demand snapshots are never pruned
   * automatically, whatever prefix the save used.
   */
  public static List<StoredSnapshot> toPruneAfterSave(List<StoredSnapshot> all, String prefix, int keep) {
    if (prefix.startsWith(SnapshotNames.ON_DEMAND_PREFIX)) {
      return List.of();
    }
    List<StoredSnapshot> candidates = all.stream()
        .filter(s -> !s.fileName().startsWith(SnapshotNames.ON_DEMAND_PREFIX + "-"))
        .toList();
    return toPrune(candidates, prefix, keep);
  }
}
