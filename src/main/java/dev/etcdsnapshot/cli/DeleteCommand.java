package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.NodeLock;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.engine.SnapshotInProgressException;
import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code delete <name>...}: removes snapshots and their metadata by file name; exits 1 if any was not found. */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete snapshots (and their metadata) by file name, as ls shows it; with --s3 from the S3 "
        + "folder too.")
public final class DeleteCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Mixin S3Options s3;

  @Parameters(arity = "0..*", paramLabel = "NAME", description = "snapshot file names")
  List<String> names = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    boolean withS3 = s3.enabled();
    LocalSnapshotStore localStore = storage.store();
    // The node lock, as a save takes it: a delete never races a save of this node (whose retention could be
    // deleting the same names, or whose upload is reading the file).
    try (SnapshotDirectory.Lock lock = NodeLock.acquire(localStore)) {
      return deleteAll(localStore, withS3);
    } catch (SnapshotInProgressException e) {
      spec.commandLine().getErr().println("nothing deleted: a save of node " + localStore.nodeName()
          + " is running in " + localStore.directory() + "; run delete again when it has finished");
      return 1;
    }
  }

  private int deleteAll(LocalSnapshotStore localStore, boolean withS3) throws IOException {
    // As k3s: one line per removal (a name removed locally and from S3 is printed twice), a warning for names
    // removed nowhere. Local removals are printed before S3 is touched, so an S3 failure cannot hide them.
    SnapshotEngine.DeleteResult local = SnapshotEngine.delete(localStore, names);
    local.deleted().forEach(n -> spec.commandLine().getOut().println("Snapshot " + n + " deleted."));
    List<String> remoteDeleted = List.of();
    if (withS3) {
      try (S3SnapshotStore store = s3.store()) {
        remoteDeleted = SnapshotEngine.delete(store, names).deleted();
      }
      remoteDeleted.forEach(n -> spec.commandLine().getOut().println("Snapshot " + n + " deleted."));
    }
    int notFound = 0;
    for (String n : names) {
      if (!local.deleted().contains(n) && !remoteDeleted.contains(n)) {
        spec.commandLine().getErr().println("Snapshot " + n + " not found.");
        notFound++;
      }
    }
    return notFound == 0 ? 0 : 1;
  }
}
