package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.engine.ContentProof;
import java.util.List;
import java.util.Optional;

/**
 * What an agent's run of a {@link SnapshotJob} came to.
 *
 * @param kind taken, failed or skipped
 * @param fileName the snapshot's file name (empty when skipped)
 * @param objectNames the ETCDSnapshotFile objects made (snapshots and failure records)
 * @param message what went wrong, or why it was skipped; empty on success. Never a credential.
 * @param s3Problem why the S3 copy was not attempted (bad Secret or settings); the local snapshot went on
 * @param proof the content proof of the saved snapshot, when {@code verify: content} asked for one
 */
public record RunOutcome(Kind kind, String fileName, List<String> objectNames, String message,
    Optional<String> s3Problem, Optional<ContentProof> proof) {

  /** An outcome without a content proof. */
  public RunOutcome(Kind kind, String fileName, List<String> objectNames, String message,
      Optional<String> s3Problem) {
    this(kind, fileName, objectNames, message, s3Problem, Optional.empty());
  }

  /** The three ways a run ends. */
  public enum Kind {
    /** Every step asked for (save, upload, prune) succeeded. */
    SUCCEEDED,
    /** The save, the upload or the pruning failed, or S3 could not be configured. */
    FAILED,
    /** Another snapshot of the node was running; nothing was done. */
    SKIPPED
  }

  public RunOutcome {
    objectNames = List.copyOf(objectNames);
    message = message == null ? "" : message;
    proof = proof == null ? Optional.empty() : proof;
  }
}
