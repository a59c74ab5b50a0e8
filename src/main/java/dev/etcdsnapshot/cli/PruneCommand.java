package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code prune}: keeps the newest {@code --snapshot-retention} snapshots whose name starts with {@code --name}. */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = "Delete all but the newest --snapshot-retention snapshots whose file name starts with --name "
        + "(default on-demand, as k3s; use --name etcd-snapshot for scheduled ones).")
public final class PruneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Mixin SnapshotOptions snapshot;

  @Override
  public Integer call() throws IOException {
    String prefix = snapshot.name();
    int keep = snapshot.retention();
    List<StoredSnapshot> pruned = SnapshotEngine.prune(storage.store(), prefix, keep);
    pruned.forEach(s -> spec.commandLine().getOut().println("Snapshot " + s.fileName() + " deleted."));
    return 0;
  }
}
