package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.SnapshotNames;
import picocli.CommandLine.Option;

/** k3s's snapshot naming, compression and retention flags (picocli mixin). */
public final class SnapshotOptions {

  @Option(names = "--name", paramLabel = "NAME", defaultValue = SnapshotNames.ON_DEMAND_PREFIX,
      description = "snapshot name prefix (default: ${DEFAULT-VALUE})")
  String name;

  @Option(names = {"--snapshot-compress", "--etcd-snapshot-compress"},
      description = "keep a single-entry zip instead of the raw snapshot")
  boolean compress;

  @Option(names = {"--snapshot-retention", "--etcd-snapshot-retention"}, paramLabel = "N", defaultValue = "5",
      description = "snapshots with the name prefix to keep when pruning (default: ${DEFAULT-VALUE})")
  int retention;

  /** The validated name prefix. */
  public String name() {
    SnapshotNames.requireValidPrefix(name);
    return name;
  }

  /** Whether to compress. */
  public boolean compress() {
    return compress;
  }

  /** The validated retention count. */
  public int retention() {
    if (retention < 0) {
      throw new IllegalArgumentException("--snapshot-retention must be 0 or more, got " + retention);
    }
    return retention;
  }
}
