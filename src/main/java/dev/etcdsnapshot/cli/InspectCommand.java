package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.content.SnapshotContent;
import dev.etcdsnapshot.engine.content.SnapshotFormatException;
import dev.etcdsnapshot.engine.content.SnapshotStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code inspect <name|path>}: what a snapshot holds, read from the file without etcd. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = {"Show what a snapshot (raw or .zip) holds, without etcd: the figures of 'etcdctl snapshot status' "
        + "(hash, revision, total keys, total size) plus the compaction revision, the consistent index and the "
        + "Kubernetes objects per resource and namespace. The bbolt structure is checked on the way; an unreadable "
        + "file exits 1.",
        "A NAME is looked up in the snapshot directory; anything containing '/' is a path."})
public final class InspectCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table, json or yaml (default: ${DEFAULT-VALUE})")
  String output;

  @Option(names = "--temp-dir", paramLabel = "DIR",
      description = "where a zipped snapshot is inflated while it is read (default: the system temporary directory)")
  Path tempDir;

  @Parameters(arity = "1", paramLabel = "NAME|PATH", description = "snapshot file name or path")
  String target;

  @Override
  public Integer call() throws IOException {
    return run(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** Runs the command with its fields set (by picocli, or by {@link InspectShortcut}); returns the exit code. */
  int run(PrintWriter out, PrintWriter err) throws IOException {
    SnapshotInspection.Format format = SnapshotInspection.Format.parse(output);
    // Resolved without a SnapshotEngine and its store, whose logging and clock set-up a read of one file needs not.
    Path file = SnapshotArgument.resolve(target, storage).toAbsolutePath().normalize();
    Path temp = tempDir != null ? tempDir : Path.of(System.getProperty("java.io.tmpdir"));
    SnapshotStatus status;
    try (SnapshotContent content = SnapshotContent.open(file, temp)) {
      status = SnapshotStatus.of(content);
    } catch (SnapshotFormatException e) {
      err.println("Snapshot " + file + " cannot be read: " + e.getMessage());
      return Cli.FAILED;
    }
    out.print(SnapshotInspection.render(status, format));
    return 0;
  }
}
