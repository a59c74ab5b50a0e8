package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ls}: the node's snapshots, oldest first, as a table or a k3s-style List of ETCDSnapshotFile. */
@Command(name = "ls", aliases = {"list", "l"}, mixinStandardHelpOptions = true,
    description = "List the snapshots in the snapshot directory, and with --s3 those in the S3 folder too.")
public final class ListCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Mixin S3Options s3;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table, json or yaml (default: ${DEFAULT-VALUE})")
  String output;

  @Override
  public Integer call() throws IOException {
    SnapshotListing.Format format = SnapshotListing.Format.parse(output);
    List<StoredSnapshot> snapshots = new ArrayList<>(SnapshotEngine.list(storage.store()));
    if (s3.enabled()) {
      try (S3SnapshotStore remote = s3.store()) {
        // The table shows nothing an S3 listing lacks; json and yaml print each object's uploader (nodeName),
        // which costs a HEAD per object.
        snapshots.addAll(format == SnapshotListing.Format.TABLE ? remote.list() : remote.listDetailed());
      }
      // One listing in k3s's order across both: oldest first, then by name.
      snapshots.sort(Comparator.comparing(StoredSnapshot::createdAt).thenComparing(StoredSnapshot::fileName));
    }
    spec.commandLine().getOut().print(SnapshotListing.render(snapshots, format));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
