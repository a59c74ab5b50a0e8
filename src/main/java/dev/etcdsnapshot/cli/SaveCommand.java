package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.SaveRequest;
import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.engine.SnapshotFailure;
import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import dev.etcdsnapshot.engine.etcd.EtcdSnapshotSource;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code save}: one snapshot of the etcd member now, as {@code k3s etcd-snapshot save}; it never prunes. */
@Command(name = "save", mixinStandardHelpOptions = true,
    description = "Take a snapshot of one etcd member into the snapshot directory. Like k3s, save never prunes: "
        + "use prune for that.")
public final class SaveCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin EtcdOptions etcd;

  @Mixin StorageOptions storage;

  @Mixin SnapshotOptions snapshot;

  @Override
  public Integer call() {
    String name = snapshot.name();
    snapshot.retention();
    LocalSnapshotStore store = storage.store();
    EtcdConnectionSettings settings = etcd.settings();
    SaveResult result;
    try (EtcdSnapshotSource source = EtcdSnapshotSource.forSingleEndpoint(settings)) {
      SnapshotEngine engine = new SnapshotEngine(store, source, Clock.systemUTC());
      result = engine.save(new SaveRequest(name, snapshot.compress(), 0, Map.of(), null, null, Optional.empty()));
    }
    for (StoredSnapshot created : result.created()) {
      spec.commandLine().getOut().println("Snapshot " + created.fileName() + " saved.");
    }
    for (SnapshotFailure failure : result.failures()) {
      spec.commandLine().getErr().println(failure.message());
    }
    return result.succeeded() ? 0 : 1;
  }
}
