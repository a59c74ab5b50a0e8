package dev.etcdsnapshot.engine;

import java.time.Instant;

/**
 * The verdict of comparing a snapshot's content with the live member: etcd's KV hash of the file at its revision
 * against the member's {@code HashKV} at the same revision.
 *
 * @param outcome what was found
 * @param revision the snapshot's revision (0 when the file could not be read)
 * @param snapshotHash the hash computed from the file (0 unless the member answered)
 * @param memberHash the member's hash (0 unless it answered)
 * @param compactRevision the member's compaction revision the hash honours (-1 when unknown)
 * @param message one sentence for a user: the verdict and why
 * @param at when the proof finished
 */
public record ContentProof(Outcome outcome, long revision, int snapshotHash, int memberHash, long compactRevision,
    String message, Instant at) {

  /** The kinds of verdict. */
  public enum Outcome {
    /** The hashes are equal: the file holds the member's data at its revision. */
    VERIFIED,
    /** The hashes differ: the file does not hold what the member had. A failure. */
    MISMATCH,
    /** The member has compacted past the snapshot's revision: it can no longer vouch for it. Not a failure. */
    COMPACTED,
    /** The file is not a readable snapshot (structure or trailer). A failure. */
    UNREADABLE,
    /** The member could not be asked; nothing is known about the content. Not a failure of the snapshot. */
    UNAVAILABLE
  }

  /** True when the content is proven. */
  public boolean verified() {
    return outcome == Outcome.VERIFIED;
  }

  /** True for a verdict against the snapshot (mismatch, unreadable), as opposed to "could not tell". */
  public boolean failed() {
    return outcome == Outcome.MISMATCH || outcome == Outcome.UNREADABLE;
  }

  /** The snapshot's hash as 8 hex digits, as etcdctl prints HashKV's. */
  public String hashHex() {
    return String.format("%08x", snapshotHash);
  }
}
