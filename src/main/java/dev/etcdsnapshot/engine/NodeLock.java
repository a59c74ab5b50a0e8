package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.SnapshotDirectory;

/**
 * One save per node at a time (k3s-io/k3s#10371): what a save, an upload retry or a delete takes first; a second one
 * is refused, never queued or interleaved. The lock itself is the directory's ({@link SnapshotDirectory#tryLock}).
 */
public final class NodeLock {

  private NodeLock() {}

  /**
   * Takes the lock of the directory's node.
   *
   * @throws SnapshotInProgressException when a save of that node is running
   */
  public static SnapshotDirectory.Lock acquire(SnapshotDirectory dir) {
    return dir.tryLock().orElseThrow(() -> new SnapshotInProgressException(dir.nodeName()));
  }
}
