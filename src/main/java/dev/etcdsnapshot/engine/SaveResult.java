package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.StoredSnapshot;
import java.util.List;

/**
 * What one save did.
 *
 * @param fileName the snapshot's file name (with {@code .zip} when compressed)
 * @param created the snapshots made, local first, then S3
 * @param pruned the snapshots retention removed
 * @param failures what went wrong; empty when everything asked for was done
 */
public record SaveResult(
    String fileName, List<StoredSnapshot> created, List<StoredSnapshot> pruned, List<SnapshotFailure> failures) {

  public SaveResult {
    created = List.copyOf(created);
    pruned = List.copyOf(pruned);
    failures = List.copyOf(failures);
  }

  /** True when every step asked for succeeded. */
  public boolean succeeded() {
    return failures.isEmpty();
  }

  /** True when the local snapshot exists (even if the upload or retention failed). */
  public boolean savedLocally() {
    return failures.stream().noneMatch(f -> f.stage() == SnapshotFailure.Stage.SAVE);
  }
}
