package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.RemoteCopy;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.storage.s3.S3Settings;
import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code prune}: keeps the newest {@code --snapshot-retention} snapshots whose name starts with {@code --name}. */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = "Delete all but the newest --snapshot-retention snapshots whose file name starts with --name "
        + "(default on-demand, as k3s; use --name etcd-snapshot for scheduled ones). With --s3 also the S3 "
        + "folder, keeping --s3-retention (else --snapshot-retention) of this node's snapshots (those named "
        + "<name>-<node-name>-<unix seconds>[.zip], newest by that time), or with --s3-retention-scope cluster of "
        + "every snapshot starting with --name (newest by LastModified, as k3s).")
public final class PruneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Mixin SnapshotOptions snapshot;

  @Mixin S3Options s3;

  @Override
  public Integer call() throws IOException {
    String prefix = snapshot.name();
    int keep = snapshot.retention();
    S3Settings settings = s3.enabled() ? s3.settings() : null;
    int s3KeepGiven = settings == null ? 0 : settings.retentionSet() ? settings.retention() : keep;
    if (keep == 0 && s3KeepGiven == 0) {
      throw new ParameterException(spec.commandLine(), "--snapshot-retention 0 keeps every snapshot (0 means keep "
          + "all, as in k3s), so prune would delete nothing; give 1 or more");
    }
    SnapshotEngine engine = new SnapshotEngine(storage.store(), null, Clock.systemUTC());
    if (settings == null) {
      print(engine.prune(prefix, keep));
      return 0;
    }
    // k3s-compat §6.2: --s3-retention if given, else the local count. Local files are pruned knowing S3, so the
    // last proven copy of a snapshot is never the one deleted (LastCopyGuard).
    int s3Keep = settings.retentionSet() ? settings.retention() : keep;
    try (S3SnapshotStore store = s3.store()) {
      print(engine.prune(prefix, keep, Optional.of(new RemoteCopy(store, s3Keep, s3.scope()))));
    }
    return 0;
  }

  private void print(List<StoredSnapshot> pruned) {
    pruned.forEach(s -> spec.commandLine().getOut().println("Snapshot " + s.fileName() + " deleted."));
  }
}
