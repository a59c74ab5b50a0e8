package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ls}: the node's snapshots, oldest first, as a table or a k3s-style List of ETCDSnapshotFile. */
@Command(name = "ls", aliases = {"list", "l"}, mixinStandardHelpOptions = true,
    description = "List the snapshots in the snapshot directory.")
public final class ListCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table, json or yaml (default: ${DEFAULT-VALUE})")
  String output;

  @Override
  public Integer call() throws IOException {
    SnapshotListing.Format format = SnapshotListing.Format.parse(output);
    List<StoredSnapshot> snapshots = SnapshotEngine.list(storage.store());
    spec.commandLine().getOut().print(SnapshotListing.render(snapshots, format));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
