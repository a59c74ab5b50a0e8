package dev.etcdsnapshot.operator.reverify;

import dev.etcdsnapshot.operator.inventory.SnapshotData;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Puts one stored copy on this process's disk for the length of a check: the agent's own directory under the
 * node lock (no save of the node runs meanwhile), or a private temporary download of an S3 object on the leader.
 */
public interface CopyReader {

  /**
   * Runs {@code check} on the copy {@code data} points at and returns its verdict; a copy this reader cannot reach
   * this round (a save is running, the store is unreachable, the copy is gone) is {@code NOT_CHECKED}, never a
   * failure. Never throws for a bad copy.
   */
  ReverifyVerdict read(SnapshotData data, Function<Path, ReverifyVerdict> check);
}
