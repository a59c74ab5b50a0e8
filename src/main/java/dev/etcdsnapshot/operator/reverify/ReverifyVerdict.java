package dev.etcdsnapshot.operator.reverify;

import dev.etcdsnapshot.model.SnapshotLabels;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

/**
 * The verdict of re-verifying one stored copy and what it means for its ETCDSnapshotFile: a success moves
 * {@code verified-at} and clears {@code verify-failed}; a failure (mismatch, unreadable) sets {@code verify-failed},
 * and calls for a Warning Event and the failure metric — and never for deleting the copy.
 *
 * @param outcome what was found
 * @param revision the revision re-verified (0 unless {@link Outcome#CONTENT_VERIFIED})
 * @param kvHash the recomputed hash (0 unless {@link Outcome#CONTENT_VERIFIED})
 * @param message one sentence for a user
 */
public record ReverifyVerdict(Outcome outcome, long revision, int kvHash, String message) {

  /** The kinds of verdict. */
  public enum Outcome {
    /** Structure, trailer and KV hash at the recorded revision all match. */
    CONTENT_VERIFIED,
    /** Structure and trailer intact; no proven KV hash to compare with. Not a content proof. */
    TRAILER_ONLY,
    /** The KV hash differs from the one proven at save time. A failure. */
    MISMATCH,
    /** The copy is missing, truncated, corrupt or fails its trailer. A failure. */
    UNREADABLE,
    /** The copy could not be looked at this round (too large to inflate, store unreachable). Not a failure. */
    NOT_CHECKED
  }

  static ReverifyVerdict verified(long revision, int kvHash, String message) {
    return new ReverifyVerdict(Outcome.CONTENT_VERIFIED, revision, kvHash, message);
  }

  static ReverifyVerdict trailerOnly(String message) {
    return new ReverifyVerdict(Outcome.TRAILER_ONLY, 0, 0, message);
  }

  static ReverifyVerdict mismatch(String message) {
    return new ReverifyVerdict(Outcome.MISMATCH, 0, 0, message);
  }

  /** A copy that cannot be read: it is gone, or its bytes are not a snapshot. */
  public static ReverifyVerdict unreadable(String message) {
    return new ReverifyVerdict(Outcome.UNREADABLE, 0, 0, message);
  }

  /** A copy not looked at this round, and why. */
  public static ReverifyVerdict notChecked(String message) {
    return new ReverifyVerdict(Outcome.NOT_CHECKED, 0, 0, message);
  }

  /** True for a verdict against the copy: a Warning Event, the failure metric, {@code verify-failed}. */
  public boolean failed() {
    return outcome == Outcome.MISMATCH || outcome == Outcome.UNREADABLE;
  }

  /** True when the content is proven again: the newest-content-verified metric and condition move. */
  public boolean contentVerified() {
    return outcome == Outcome.CONTENT_VERIFIED;
  }

  /**
   * The annotations to set on the copy's object at {@code now}: {@code verified-at} after a content proof, the
   * {@code verify-failed} message after a failure; none otherwise (a trailer-only pass is not a content proof).
   */
  public Map<String, String> annotationsToSet(Instant now) {
    if (contentVerified()) {
      return Map.of(SnapshotLabels.VERIFIED_AT_ANNOTATION,
          DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)));
    }
    if (failed()) {
      return Map.of(SnapshotLabels.VERIFY_FAILED_ANNOTATION, message);
    }
    return Map.of();
  }

  /** The annotations to remove: a passing check clears an earlier {@code verify-failed}. */
  public Set<String> annotationsToRemove() {
    return contentVerified() || outcome == Outcome.TRAILER_ONLY ? Set.of(SnapshotLabels.VERIFY_FAILED_ANNOTATION)
        : Set.of();
  }
}
