package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.engine.SnapshotFailure.Stage;
import dev.etcdsnapshot.engine.file.Messages;
import dev.etcdsnapshot.engine.file.SnapshotIntegrity;
import dev.etcdsnapshot.engine.file.SnapshotZipWriter;
import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.SnapshotFolder;
import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.storage.SnapshotStore;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SnapshotEngine#save}: take → verify → compress → store → upload → prune for one request, every failure
 * a {@link SnapshotFailure} of its stage rather than an exception.
 */
final class SnapshotSave {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotSave.class);

  private final SnapshotDirectory local;
  private final SnapshotSource source;
  private final Clock clock;
  private final SnapshotZipWriter zip;

  SnapshotSave(SnapshotDirectory local, SnapshotSource source, Clock clock, SnapshotZipWriter zip) {
    this.local = local;
    this.source = source;
    this.clock = clock;
    this.zip = zip;
  }

  SaveResult save(SaveRequest request) {
    String node = local.nodeName();
    Instant time = SnapshotNames.roundToSecond(clock.instant());
    String rawName = SnapshotNames.fileName(request.namePrefix(), node, time);
    String fileName = request.compress() ? rawName + SnapshotLayout.ZIP_SUFFIX : rawName;
    if (source == null) {
      throw new IllegalStateException("this engine has no etcd source to save from");
    }
    try {
      local.checkDirectory(true);
    } catch (IOException e) {
      return failedSave(fileName, saveFailure(fileName, rawName, time, e));
    }
    try (SnapshotDirectory.Lock lock = NodeLock.acquire(local)) {
      // The SHA-256 of the stored file goes with an upload; hashing while writing spares the store a re-read.
      MessageDigest stored = request.remote().isPresent() ? SnapshotIntegrity.sha256() : null;
      try {
        removeLeftovers(node);
        SnapshotWriter writer = new SnapshotWriter(local, source, zip);
        if (request.compress()) {
          writer.writeZipped(rawName, time, stored);
        } else {
          writer.writeRaw(rawName, stored);
        }
      } catch (IOException | RuntimeException e) {
        // Whatever broke the stream, no .part file is left (SnapshotWriter) and the failure is reported, not thrown.
        return failedSave(fileName, saveFailure(fileName, rawName, time, e));
      }
      String sha256 = stored == null ? null : HexFormat.of().formatHex(stored.digest());
      return afterLocalSave(request, fileName, time, sha256);
    }
  }

  /**
   * A save killed with SIGKILL cannot remove its .part file; the next save of that node does, once the file has
   * not been written for {@link SnapshotEngine#STALE_PART_AGE} (a .part k3s or a download is writing is fresher).
   */
  private void removeLeftovers(String node) throws IOException {
    Pattern ofThisNode = Pattern.compile(".+-" + Pattern.quote(node) + "-\\d+(\\.zip)?");
    Instant staleBefore = clock.instant().minus(SnapshotEngine.STALE_PART_AGE);
    for (String removed : local.removeLeftoverPartFiles(name -> ofThisNode.matcher(name).matches(), staleBefore)) {
      LOG.warn("removed {} left behind by an interrupted save", removed);
    }
  }

  private SaveResult afterLocalSave(SaveRequest request, String fileName, Instant time, String sha256) {
    List<StoredSnapshot> created = new ArrayList<>();
    List<StoredSnapshot> pruned = new ArrayList<>();
    List<SnapshotFailure> failures = new ArrayList<>();
    try {
      local.writeMetadata(fileName, request.extraMetadata());
    } catch (IOException e) {
      // k3s treats a missing sidecar as a warning: the snapshot itself is good.
      LOG.warn("could not write metadata of snapshot {}: {}", fileName, Messages.of(e));
    }
    StoredSnapshot saved;
    try {
      saved = recordedWith(request.tokenHash(),
          local.find(fileName).orElseThrow(() -> new NoSuchFileException(local.pathOf(fileName).toString())));
    } catch (IOException e) {
      return failedSave(fileName, saveFailure(fileName, fileName, time, e));
    }
    created.add(saved);
    LOG.info("Snapshot {} saved", fileName);
    // The upload comes before local retention (k3s prunes first): whether an older file may go depends on whether
    // S3 holds a proven copy of it (LastCopyGuard).
    request.remote().ifPresent(remote -> upload(remote.store(), saved, request, time, sha256, created, failures));
    if (request.prunesAfterSave()) {
      LastCopyGuard guard = new LastCopyGuard(local, request.remote(), request.namePrefix());
      pruneAfterSave(local, request.namePrefix(), request.localRetention(), null, guard, pruned, failures);
      request.remote().ifPresent(remote -> pruneAfterSave(remote.store(), request.namePrefix(), remote.retention(),
          remote.scope(), guard, pruned, failures));
    }
    return new SaveResult(fileName, created, pruned, failures);
  }

  /**
   * The local file as saved, with the token fingerprint it was saved under: the directory keeps no fingerprint, so
   * only the save's own record carries it (as k3s, whose re-discovered local files get none).
   */
  private static StoredSnapshot recordedWith(String tokenHash, StoredSnapshot s) {
    return tokenHash == null ? s : new StoredSnapshot(s.fileName(), s.kind(), s.location(), s.size(), s.createdAt(),
        s.modifiedAt(), s.nodeName(), tokenHash, s.metadata());
  }

  private void upload(SnapshotStore store, StoredSnapshot saved, SaveRequest request, Instant time, String sha256,
      List<StoredSnapshot> created, List<SnapshotFailure> failures) {
    SnapshotMetadata metadata = new SnapshotMetadata(saved.fileName(), local.nodeName(), time,
        request.clusterId(), request.tokenHash(), sha256, request.extraMetadata());
    try {
      created.add(store.put(local.pathOf(saved.fileName()), metadata));
    } catch (IOException | RuntimeException e) {
      // As k3s's upload failure record: the object's location, the snapshot's time, the bare cause.
      failures.add(new SnapshotFailure(Stage.UPLOAD, store.kind(), saved.fileName(),
          store.locationOf(saved.fileName()), time,
          "failed to upload snapshot " + saved.fileName() + ": " + Messages.of(e), Messages.of(e)));
    }
  }

  /**
   * Automatic retention after a save: the local rule when {@code s3Scope} is {@code null}, else the S3 rule of that
   * scope for this node (see {@link Retention}). Lists without the per-object details, so a big S3 folder costs
   * its LIST pages only.
   */
  private void pruneAfterSave(SnapshotFolder store, String prefix, int keep, RetentionScope s3Scope,
      LastCopyGuard guard, List<StoredSnapshot> pruned, List<SnapshotFailure> failures) {
    if (keep < 1) {
      return;
    }
    try {
      if (s3Scope == null) {
        Pruning.deleteAll(store, Pruning.guarded(Retention.toPruneAfterSave(store.list(), prefix, keep), guard),
            pruned);
      } else {
        Pruning.deleteAll(store, Retention.toPrune(Retention.scheduled(guard.remoteListing()), prefix, keep, s3Scope,
            local.nodeName(), guard::countsRemotely), pruned);
      }
    } catch (IOException | RuntimeException e) {
      String where = store.kind() == StorageKind.LOCAL ? "local" : "S3";
      failures.add(new SnapshotFailure(Stage.RETENTION, store.kind(), "", "", clock.instant(),
          "failed to apply " + where + " snapshot retention policy: " + Messages.of(e), Messages.of(e)));
    }
  }

  private static SaveResult failedSave(String fileName, SnapshotFailure failure) {
    return new SaveResult(fileName, List.of(), List.of(), List.of(failure));
  }

  /**
   * A failed local save as k3s records it: named after the file the stream was to write ({@code recordName}, without
   * {@code .zip} when compression never got its input), empty location, the snapshot's time, the bare cause.
   */
  private static SnapshotFailure saveFailure(String fileName, String recordName, Instant time, Exception e) {
    String cause = Messages.of(e);
    return new SnapshotFailure(Stage.SAVE, StorageKind.LOCAL, recordName, "", time,
        "failed to save snapshot " + fileName + ": " + cause, cause);
  }
}
