package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.engine.SnapshotFailure.Stage;
import dev.etcdsnapshot.engine.file.IntegrityReport;
import dev.etcdsnapshot.engine.file.Messages;
import dev.etcdsnapshot.engine.file.SnapshotIntegrity;
import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.storage.SnapshotStore;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads a snapshot that is already in the node's directory again, for the operator's retry of failed uploads:
 * a separate entry point beside {@link SnapshotEngine#save}, which it leaves alone. It holds the node lock like a
 * save (one operation per node at a time), checks the local file against etcd's trailer first (a damaged file is
 * not uploaded), then stores it through {@link SnapshotStore#put} (which proves the object before it returns) and
 * applies the store's retention as a save would.
 */
public final class SnapshotReupload {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotReupload.class);

  private final SnapshotDirectory local;
  private final Clock clock;

  public SnapshotReupload(SnapshotDirectory local, Clock clock) {
    this.local = Objects.requireNonNull(local, "local");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Uploads {@code fileName} from the node's directory to the remote store, with the metadata sidecar it has
   * there. A file that is gone meanwhile (pruned, deleted) is no failure: the result is empty.
   *
   * @param prefix the schedule's name prefix, for the remote retention applied after the upload
   * @param clusterId the cluster identity recorded with the object, or {@code null}
   * @param tokenHash the server token hash recorded with the object, or {@code null}
   * @return the S3 copy in {@code created}, or an {@link Stage#UPLOAD} failure; {@link Stage#RETENTION} when the
   *     pruning after it failed
   * @throws SnapshotInProgressException when a save or upload of this node is running
   */
  public SaveResult upload(String fileName, String prefix, RemoteCopy remote, String clusterId, String tokenHash) {
    SnapshotNames.requireValidFileName(fileName);
    try (SnapshotDirectory.Lock lock = NodeLock.acquire(local)) {
      Optional<StoredSnapshot> found;
      try {
        found = local.find(fileName);
      } catch (IOException e) {
        return failed(fileName, remote.store(), "cannot read the local snapshot: " + Messages.of(e));
      }
      if (found.isEmpty()) {
        return new SaveResult(fileName, List.of(), List.of(), List.of());
      }
      StoredSnapshot snapshot = found.get();
      try {
        IntegrityReport report = SnapshotIntegrity.verify(local.pathOf(fileName));
        if (!report.ok()) {
          return failed(fileName, remote.store(), "the local snapshot " + local.pathOf(fileName)
              + " is damaged (" + report.describe() + "); it is not uploaded");
        }
        SnapshotMetadata metadata = new SnapshotMetadata(fileName, local.nodeName(), snapshot.createdAt(),
            clusterId, tokenHash, null, snapshot.metadata());
        StoredSnapshot copy = remote.store().put(local.pathOf(fileName), metadata);
        LOG.info("Snapshot {} uploaded again", fileName);
        List<StoredSnapshot> pruned = new ArrayList<>();
        List<SnapshotFailure> failures = new ArrayList<>();
        prune(remote, prefix, pruned, failures);
        return new SaveResult(fileName, List.of(copy), pruned, failures);
      } catch (IOException | RuntimeException e) {
        return failed(fileName, remote.store(), Messages.of(e));
      }
    }
  }

  private void prune(RemoteCopy remote, String prefix, List<StoredSnapshot> pruned, List<SnapshotFailure> failures) {
    if (remote.retention() < 1) {
      return;
    }
    try {
      for (StoredSnapshot victim : Retention.toPruneAfterSave(remote.store().list(), prefix, remote.retention(),
          remote.scope(), local.nodeName())) {
        if (remote.store().delete(victim.fileName())) {
          pruned.add(victim);
        }
      }
    } catch (IOException | RuntimeException e) {
      failures.add(new SnapshotFailure(Stage.RETENTION, remote.store().kind(), "", "", clock.instant(),
          "failed to apply S3 snapshot retention policy: " + Messages.of(e)));
    }
  }

  private SaveResult failed(String fileName, SnapshotStore store, String why) {
    StorageKind kind = store.kind();
    return new SaveResult(fileName, List.of(), List.of(), List.of(new SnapshotFailure(Stage.UPLOAD, kind, fileName,
        "", clock.instant(), "failed to upload snapshot " + fileName + ": " + why)));
  }
}
