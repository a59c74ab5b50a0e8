package dev.etcdsnapshot.operator.reverify;

import dev.etcdsnapshot.storage.StorageKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which stored copies a re-verification round looks at: those whose last proof (or, never proven, whose save) is
 * at least one interval old, oldest first, at most {@code max} of them — a round's work is bounded, and a copy
 * that keeps failing does not starve the others because its {@code verified-at} is not what orders it last.
 */
public final class ReverifyPlan {

  private ReverifyPlan() {}

  /**
   * One stored copy as its ETCDSnapshotFile describes it.
   *
   * @param name the object's name
   * @param storage where the copy lives
   * @param createdAt when the snapshot was taken
   * @param verifiedAt the {@code verified-at} annotation, if any
   * @param lastTried when a re-verification last looked at it (success or failure), if ever
   * @param hasKvHash whether a {@code kv-hash} was proven at save time (else only structure and trailer)
   */
  public record Copy(String name, StorageKind storage, Instant createdAt, Optional<Instant> verifiedAt,
      Optional<Instant> lastTried, boolean hasKvHash) {

    /** The time the copy was last known good or last looked at: what orders the queue. */
    Instant lastLooked() {
      Instant known = verifiedAt.orElse(createdAt);
      return lastTried.filter(t -> t.isAfter(known)).orElse(known);
    }
  }

  /** False for a zero (or negative) interval: re-verification is off. */
  public static boolean enabled(Duration interval) {
    return interval != null && !interval.isNegative() && !interval.isZero();
  }

  /** The copies to re-verify at {@code now}, in order; empty when the interval disables it. */
  public static List<Copy> next(List<Copy> copies, Instant now, Duration interval, int max) {
    if (!enabled(interval) || max <= 0) {
      return List.of();
    }
    return copies.stream()
        .filter(c -> !c.lastLooked().plus(interval).isAfter(now))
        .sorted(Comparator.comparing(Copy::lastLooked).thenComparing(Copy::name))
        .limit(max)
        .toList();
  }
}
