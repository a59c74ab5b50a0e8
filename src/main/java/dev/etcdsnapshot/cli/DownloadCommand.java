package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.SnapshotDownload;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code download <name> --s3 ...}: fetches a snapshot and its metadata from S3 into the snapshot directory and
 * checks it, the step before {@code k3s server --cluster-reset --cluster-reset-restore-path=<file>}.
 */
@Command(name = "download", mixinStandardHelpOptions = true,
    description = "Download a snapshot (and its metadata) from S3 into --dir, checking it against etcd's SHA-256 "
        + "trailer before it takes its name, and optionally unzip it: the first step of a restore. A snapshot of "
        + "that name already in --dir is never overwritten.")
public final class DownloadCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"--dir", "--etcd-snapshot-dir"}, paramLabel = "DIR",
      description = "directory to download into; created if missing (default: " + StorageOptions.DEFAULT_DIR + ")")
  Path dir;

  @Mixin S3Options s3;

  @Parameters(arity = "1", paramLabel = "NAME", description = "snapshot file name, as ls --s3 shows it")
  String name;

  @Option(names = "--unzip", description = "also unzip a compressed snapshot next to the download")
  boolean unzip;

  @Override
  public Integer call() throws IOException {
    if (!s3.enabled()) {
      throw new ParameterException(spec.commandLine(), "download needs --s3 and the --s3-* flags");
    }
    Path target = dir != null ? dir : Path.of(StorageOptions.DEFAULT_DIR);
    // The directory is never created as the node's default one would be: download makes it as it always did.
    LocalSnapshotStore into = new LocalSnapshotStore(target, false, StorageOptions.hostName(),
        SnapshotNames::parseTimestamp);
    try (S3SnapshotStore store = s3.store()) {
      SnapshotDownload.Result r = SnapshotDownload.download(store, name, into, unzip);
      spec.commandLine().getOut().println("Snapshot " + name + " downloaded to " + r.downloaded().toAbsolutePath()
          + (r.file().equals(r.downloaded()) ? "" : ", unzipped to " + r.file().toAbsolutePath())
          + ": sha256 OK (" + r.report().actualSha256() + ").");
    }
    return 0;
  }
}
