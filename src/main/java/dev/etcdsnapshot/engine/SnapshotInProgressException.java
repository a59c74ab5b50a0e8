package dev.etcdsnapshot.engine;

/** A save was refused because another save of the same node is running, in this process or another. */
public final class SnapshotInProgressException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** For the node whose save is running. */
  public SnapshotInProgressException(String nodeName) {
    super("snapshot save already in progress on node " + nodeName);
  }
}
