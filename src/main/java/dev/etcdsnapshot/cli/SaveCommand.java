package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.config.TokenFile;
import dev.etcdsnapshot.engine.RemoteCopy;
import dev.etcdsnapshot.engine.SaveRequest;
import dev.etcdsnapshot.engine.SnapshotTrigger;
import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.engine.SnapshotFailure;
import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import dev.etcdsnapshot.engine.etcd.EtcdSnapshotSource;
import dev.etcdsnapshot.engine.file.SnapshotZipWriter;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import dev.etcdsnapshot.storage.s3.S3Settings;
import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code save}: one snapshot of the etcd member now, as {@code k3s etcd-snapshot save}; it never prunes locally.
 * With {@code --s3} it also uploads, and prunes S3 only when {@code --s3-retention} is given (as k3s) and the name
 * is not on-demand (on-demand snapshots are never pruned automatically); a failed upload keeps the local snapshot
 * and exits 1 saying so.
 */
@Command(name = "save", mixinStandardHelpOptions = true,
    description = "Take a snapshot of one etcd member into the snapshot directory, and with --s3 upload it. Like "
        + "k3s, save never prunes locally (use prune). It prunes S3 only when --s3-retention is given and --name "
        + "does not start with on-demand: with the default name it prunes nothing.")
public final class SaveCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin EtcdOptions etcd;

  @Mixin StorageOptions storage;

  @Mixin SnapshotOptions snapshot;

  @Mixin S3Options s3;

  @Option(names = "--compress-threads", paramLabel = "N",
      description = "threads that compress a --snapshot-compress snapshot (default: every processor, at most 4; "
          + "1 compresses as k3s does, leaving the other processors to etcd)")
  Integer compressThreads;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "the server token file whose fingerprint (12 hex of SHA-256, never the token) the S3 object "
          + "records, as k3s does; empty for none (default: /var/lib/rancher/<flavor>/server/token when it exists; "
          + "unreadable, it is warned about and skipped)")
  String tokenFile;

  @Override
  public Integer call() {
    String name = snapshot.name();
    snapshot.retention();
    int threads = compressThreads == null ? SnapshotZipWriter.threadsForCommand()
        : SnapshotZipWriter.requireThreads("--compress-threads", compressThreads);
    LocalSnapshotStore store = storage.store();
    EtcdConnectionSettings settings = etcd.settings();
    // S3 flags are checked before etcd is touched, so a typo costs no snapshot.
    S3Settings s3Settings = s3.enabled() ? s3.settings() : null;
    String tokenHash = tokenHash();
    SaveResult result;
    try (EtcdSnapshotSource source = EtcdSnapshotSource.forSingleEndpoint(settings);
        S3SnapshotStore remote = s3Settings == null ? null : s3.store()) {
      SnapshotEngine engine = new SnapshotEngine(store, source, Clock.systemUTC(), threads);
      Optional<RemoteCopy> copy = remote == null ? Optional.empty() : Optional.of(new RemoteCopy(remote,
          s3Settings.retentionSet() ? s3Settings.retention() : 0, s3.scope()));
      result = engine.save(
          new SaveRequest(SnapshotTrigger.COMMAND, name, snapshot.compress(), 0, Map.of(), tokenHash, null, copy));
    }
    for (StoredSnapshot created : result.created()) {
      spec.commandLine().getOut().println("Snapshot " + created.fileName() + " saved.");
    }
    for (StoredSnapshot pruned : result.pruned()) {
      spec.commandLine().getOut().println("Snapshot " + pruned.fileName() + " deleted.");
    }
    for (SnapshotFailure failure : result.failures()) {
      String kept = failure.stage() == SnapshotFailure.Stage.UPLOAD && result.savedLocally()
          ? "; the local snapshot " + store.pathOf(result.fileName()) + " is kept" : "";
      spec.commandLine().getErr().println(failure.message() + kept);
    }
    if (s3Settings != null && result.savedLocally()) {
      spec.commandLine().getOut().println(whereCopiesAre(result, store));
    }
    return result.succeeded() ? 0 : 1;
  }

  /**
   * With {@code --s3}, one line after k3s's "saved." lines: where each copy of the snapshot is, so nobody has to
   * work out from two identical lines whether the S3 copy exists. An S3 copy is only listed once its read-back passed.
   */
  static String whereCopiesAre(SaveResult result, LocalSnapshotStore store) {
    String s3 = result.created().stream().filter(c -> c.kind() == StorageKind.S3).map(StoredSnapshot::location)
        .findFirst().map(l -> "S3 copy " + l + " (read back and checked)")
        .orElse("no S3 copy (the upload failed, see above)");
    return "Copies of " + result.fileName() + ": local " + store.pathOf(result.fileName()) + "; " + s3 + ".";
  }

  /** The token fingerprint, read before etcd is touched: a wrong --token-file costs no snapshot. */
  private String tokenHash() {
    TokenFile file;
    try {
      file = TokenFile.fromFlag("--token-file", tokenFile, TokenFile.defaultPath(s3.flavor()));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      TokenFile.Fingerprint fingerprint = file.fingerprint();
      fingerprint.warning().ifPresent(w -> spec.commandLine().getErr().println("Warning: " + w));
      return fingerprint.hash().orElse(null);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
