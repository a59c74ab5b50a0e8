package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.StoredSnapshot;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which snapshots retention removes: of the snapshots it counts, all but the newest {@code keep}. Pure selection;
 * the caller deletes. Three rules:
 *
 * <ul>
 *   <li>local, as k3s (k3s-compat §6.1): every file whose name starts with the prefix, newest by the time in the
 *       name (the mtime when there is none);
 *   <li>S3, {@link RetentionScope#CLUSTER}, as k3s (§6.2): every object whose name starts with the prefix, newest
 *       by the object's LastModified;
 *   <li>S3, {@link RetentionScope#NODE} (ours): the objects named exactly {@code <prefix>-<node>-<digits>[.zip]}
 *       ({@link SnapshotNames#isSnapshotOf}), newest by the time in the name. The name and not the uploader
 *       recorded in each object's metadata decides, so retention costs the listing and no request per object.
 * </ul>
 */
public final class Retention {

  /** Newest first by the time in the name; equal times by file name, descending, so the order is repeatable. */
  public static final Comparator<StoredSnapshot> NEWEST_FIRST =
      Comparator.comparing(StoredSnapshot::createdAt).thenComparing(StoredSnapshot::fileName).reversed();

  /** Newest first by when the store wrote it (S3: LastModified), then as {@link #NEWEST_FIRST}. */
  public static final Comparator<StoredSnapshot> NEWEST_WRITTEN_FIRST =
      Comparator.comparing(StoredSnapshot::modifiedAt).reversed().thenComparing(NEWEST_FIRST);

  private Retention() {}

  /**
   * The local rule: the snapshots to delete so that {@code keep} with this prefix remain, newest to oldest.
   *
   * @param all a store's listing
   * @param prefix the name prefix; a plain prefix match as k3s (no {@code -} required after it)
   * @param keep how many to keep; below 1 nothing is pruned (k3s: retention disabled)
   */
  public static List<StoredSnapshot> toPrune(List<StoredSnapshot> all, String prefix, int keep) {
    return select(all, s -> s.fileName().startsWith(prefix), NEWEST_FIRST, keep);
  }

  /**
   * The S3 rule of a scope: the snapshots to delete so that {@code keep} remain, newest to oldest.
   *
   * @param node the saving node, whose snapshots {@link RetentionScope#NODE} counts
   */
  public static List<StoredSnapshot> toPrune(
      List<StoredSnapshot> all, String prefix, int keep, RetentionScope scope, String node) {
    return select(all, inScope(prefix, scope, node),
        scope == RetentionScope.CLUSTER ? NEWEST_WRITTEN_FIRST : NEWEST_FIRST, keep);
  }

  /**
   * The retention a save applies on its own: as {@link #toPrune(List, String, int)}, never counting or pruning an
   * on-demand snapshot ({@code on-demand-*}, k3s). Whether a save prunes at all is {@link SnapshotTrigger}'s rule.
   */
  public static List<StoredSnapshot> toPruneAfterSave(List<StoredSnapshot> all, String prefix, int keep) {
    return toPrune(scheduled(all), prefix, keep);
  }

  /** As {@link #toPruneAfterSave(List, String, int)} with the S3 rule of a scope. */
  public static List<StoredSnapshot> toPruneAfterSave(
      List<StoredSnapshot> all, String prefix, int keep, RetentionScope scope, String node) {
    return toPrune(scheduled(all), prefix, keep, scope, node);
  }

  /**
   * The S3 rule of a scope where only what {@code counts} counts (issue 9: an object that is not shaped like a
   * snapshot never takes a kept slot): newest first, the first {@code keep} counted ones are kept, the uncounted
   * among them stay where they are (neither kept in the count nor deleted), and everything older than the
   * {@code keep}-th counted one is pruned. {@code counts} is asked only until {@code keep} have counted.
   */
  public static List<StoredSnapshot> toPrune(List<StoredSnapshot> all, String prefix, int keep, RetentionScope scope,
      String node, SnapshotCheck counts) throws java.io.IOException {
    if (keep < 1) {
      return List.of();
    }
    List<StoredSnapshot> sorted = all.stream().filter(inScope(prefix, scope, node))
        .sorted(scope == RetentionScope.CLUSTER ? NEWEST_WRITTEN_FIRST : NEWEST_FIRST).toList();
    int kept = 0;
    int i = 0;
    while (i < sorted.size() && kept < keep) {
      if (counts.test(sorted.get(i))) {
        kept++;
      }
      i++;
    }
    return sorted.subList(i, sorted.size());
  }

  /** Which snapshots the S3 rule of a scope counts at all: the prefix (cluster) or this node's names (node). */
  static Predicate<StoredSnapshot> inScope(String prefix, RetentionScope scope, String node) {
    return scope == RetentionScope.CLUSTER ? s -> s.fileName().startsWith(prefix)
        : s -> SnapshotNames.isSnapshotOf(s.fileName(), prefix, node);
  }

  /** A question about one snapshot that may need the store to answer. */
  @FunctionalInterface
  public interface SnapshotCheck {
    boolean test(StoredSnapshot snapshot) throws java.io.IOException;
  }

  static List<StoredSnapshot> scheduled(List<StoredSnapshot> all) {
    return all.stream().filter(s -> !s.fileName().startsWith(SnapshotNames.ON_DEMAND_PREFIX + "-")).toList();
  }

  private static List<StoredSnapshot> select(
      List<StoredSnapshot> all, Predicate<StoredSnapshot> counted, Comparator<StoredSnapshot> newestFirst, int keep) {
    if (keep < 1) {
      return List.of();
    }
    return all.stream().filter(counted).sorted(newestFirst).skip(keep).toList();
  }
}
