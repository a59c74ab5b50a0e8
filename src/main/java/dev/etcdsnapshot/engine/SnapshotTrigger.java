package dev.etcdsnapshot.engine;

/**
 * What asked for a save, and the one rule that follows from it: on-demand snapshots are never pruned automatically
 * (k3s), whether the save was an on-demand request or its name is an on-demand one ({@code on-demand*}).
 */
public enum SnapshotTrigger {

  /** A schedule's slot. */
  SCHEDULED("scheduled"),

  /** An {@code ETCDSnapshotRequest}: never pruned automatically, whatever its name. */
  ON_DEMAND("on-demand"),

  /** The shell's {@code save} ({@code k3s etcd-snapshot save}): pruned after the save unless its name is on-demand. */
  COMMAND("command");

  private final String label;

  SnapshotTrigger(String label) {
    this.label = label;
  }

  /** The value of the save metrics' {@code phase} label. */
  public String label() {
    return label;
  }

  /** Whether a save of this trigger and name prefix prunes after itself, locally and in S3. */
  public boolean prunesAfterSave(String prefix) {
    return this != ON_DEMAND && !prefix.startsWith(SnapshotNames.ON_DEMAND_PREFIX);
  }

  /**
   * The retention that applies to the snapshots of such a save: {@code configured}, or 0 (keep all) when the save
   * does not prune after itself. For callers that weigh retention outside a save (the upload retry's window).
   */
  public int retention(String prefix, int configured) {
    return prunesAfterSave(prefix) ? configured : 0;
  }
}
