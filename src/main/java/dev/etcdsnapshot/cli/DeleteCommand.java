package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.SnapshotEngine;
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
    description = "Delete snapshots (and their metadata) by file name, as ls shows it.")
public final class DeleteCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Parameters(arity = "0..*", paramLabel = "NAME", description = "snapshot file names")
  List<String> names = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    SnapshotEngine.DeleteResult result = SnapshotEngine.delete(storage.store(), names);
    result.deleted().forEach(n -> spec.commandLine().getOut().println("Snapshot " + n + " deleted."));
    result.notFound().forEach(n -> spec.commandLine().getErr().println("Snapshot " + n + " not found."));
    return result.notFound().isEmpty() ? 0 : 1;
  }
}
