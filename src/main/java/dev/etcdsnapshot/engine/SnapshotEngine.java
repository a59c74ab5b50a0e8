package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.engine.SnapshotFailure.Stage;
import dev.etcdsnapshot.engine.file.IntegrityReport;
import dev.etcdsnapshot.engine.file.Messages;
import dev.etcdsnapshot.engine.file.SnapshotIntegrity;
import dev.etcdsnapshot.engine.file.SnapshotZipWriter;
import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.storage.SnapshotStore;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the CLI and the operator call to take, list, delete, prune and verify snapshots of one node: take → verify
 * → compress → store → prune, with no Kubernetes in sight. A snapshot is never half there: it is streamed into a
 * {@code .part} file, checked against etcd's trailer, fsynced and renamed, or nothing is left.
 */
public final class SnapshotEngine {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotEngine.class);

  /** k3s's listing order: oldest first, then by name. */
  private static final Comparator<StoredSnapshot> LISTING_ORDER =
      Comparator.comparing(StoredSnapshot::createdAt).thenComparing(StoredSnapshot::fileName);

  private final LocalSnapshotStore local;
  private final SnapshotSource source;
  /**
   * How long a {@code .part} file must have gone unwritten before a save removes it as left behind. A save that
   * writes nothing for this long has failed (etcd's stream and every S3 call have shorter timeouts).
   */
  public static final java.time.Duration STALE_PART_AGE = java.time.Duration.ofHours(1);

  private final Clock clock;
  private final SnapshotZipWriter zip;

  /**
   * @param local the node's snapshot directory
   * @param source the etcd member to snapshot, or {@code null} for an engine that only lists, deletes, prunes and
   *     verifies
   * @param clock the only source of time
   */
  public SnapshotEngine(LocalSnapshotStore local, SnapshotSource source, Clock clock) {
    this(local, source, clock, SnapshotZipWriter.threadsBesideEtcd());
  }

  /**
   * As {@link #SnapshotEngine(LocalSnapshotStore, SnapshotSource, Clock)}, compressing on up to
   * {@code compressThreads} threads.
   */
  public SnapshotEngine(LocalSnapshotStore local, SnapshotSource source, Clock clock, int compressThreads) {
    this.local = Objects.requireNonNull(local, "local");
    this.source = source;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.zip = new SnapshotZipWriter(compressThreads, SnapshotZipWriter.DEFAULT_LEVEL);
  }

  /** The node's snapshot directory. */
  public LocalSnapshotStore localStore() {
    return local;
  }

  /**
   * Takes one snapshot. Failures of etcd, the stream or the disk come back as a {@link Stage#SAVE} failure with
   * nothing left behind; a failed upload as {@link Stage#UPLOAD} (the local snapshot is kept); a failed pruning as
   * {@link Stage#RETENTION}.
   *
   * @throws IllegalArgumentException for a name prefix or node name that is not a safe file name, before anything
   *     is written
   * @throws SnapshotInProgressException when a save of this node is already running
   */
  public SaveResult save(SaveRequest request) {
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
    try (NodeLock.Held lock = NodeLock.acquire(local.directory(), node)) {
      // The SHA-256 of the stored file goes with an upload; hashing while writing spares the store a re-read.
      MessageDigest stored = request.remote().isPresent() ? SnapshotIntegrity.sha256() : null;
      try {
        removeLeftovers(node);
        SnapshotWriter writer = new SnapshotWriter(local.directory(), source, zip);
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
   * not been written for {@link #STALE_PART_AGE} (a .part k3s or a download is writing is fresher than that).
   */
  private void removeLeftovers(String node) throws IOException {
    Pattern ofThisNode = Pattern.compile(
        ".+-" + Pattern.quote(node) + "-\\d+(\\.zip)?");
    Instant staleBefore = clock.instant().minus(STALE_PART_AGE);
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
    LastCopyGuard guard = new LastCopyGuard(local, request.remote(), request.namePrefix());
    pruneAfterSave(local, request.namePrefix(), request.localRetention(), null, guard, pruned, failures);
    request.remote().ifPresent(remote -> pruneAfterSave(remote.store(), request.namePrefix(), remote.retention(),
        remote.scope(), guard, pruned, failures));
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
  private void pruneAfterSave(SnapshotStore store, String prefix, int keep, RetentionScope s3Scope,
      LastCopyGuard guard, List<StoredSnapshot> pruned, List<SnapshotFailure> failures) {
    if (keep < 1 || prefix.startsWith(SnapshotNames.ON_DEMAND_PREFIX)) {
      return;
    }
    try {
      if (s3Scope == null) {
        deleteAll(store, guarded(Retention.toPruneAfterSave(store.list(), prefix, keep), guard), pruned);
      } else {
        deleteAll(store, Retention.toPrune(Retention.scheduled(guard.remoteListing()), prefix, keep, s3Scope,
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

  /** The node's snapshots, oldest first, then by name (as {@code k3s etcd-snapshot ls}). */
  public List<StoredSnapshot> list() throws IOException {
    return list(local);
  }

  /** A store's snapshots, oldest first, then by name. */
  public static List<StoredSnapshot> list(SnapshotStore store) throws IOException {
    List<StoredSnapshot> all = new ArrayList<>(store.list());
    all.sort(LISTING_ORDER);
    return all;
  }

  /** Deletes snapshots (and their metadata) from the node's directory by file name. */
  public DeleteResult delete(List<String> fileNames) throws IOException {
    return delete(local, fileNames);
  }

  /**
   * Deletes snapshots from a store by file name; every name is checked before anything is deleted.
   *
   * @throws IllegalArgumentException for an empty list or a name that is not a plain file name
   */
  public static DeleteResult delete(SnapshotStore store, List<String> fileNames) throws IOException {
    if (fileNames.isEmpty()) {
      throw new IllegalArgumentException("no snapshots given for removal");
    }
    fileNames.forEach(SnapshotNames::requireValidFileName);
    List<String> deleted = new ArrayList<>();
    List<String> notFound = new ArrayList<>();
    for (String name : fileNames) {
      (store.delete(name) ? deleted : notFound).add(name);
    }
    return new DeleteResult(deleted, notFound);
  }

  /** Prunes the node's directory to {@code keep} snapshots with the prefix (on-demand included: it was asked). */
  public List<StoredSnapshot> prune(String prefix, int keep) throws IOException {
    return prune(prefix, keep, Optional.empty());
  }

  /**
   * Prunes the node's directory to {@code keep} snapshots with the prefix and, with a remote copy, S3 to its
   * retention, never deleting the last proven copy of a snapshot ({@link LastCopyGuard}): a local file outside
   * the window stays while S3 holds no proven copy of it and S3 retention would keep it; an S3 object not shaped
   * like a snapshot never counts. What S3 cannot answer keeps the local files (the error is thrown before any is
   * deleted). On-demand snapshots are pruned too when the prefix asks for them (it was asked).
   *
   * @return the snapshots removed, local first
   * @throws IllegalArgumentException for an unsafe prefix or a negative count
   */
  public List<StoredSnapshot> prune(String prefix, int keep, Optional<RemoteCopy> remote) throws IOException {
    requirePruneArguments(prefix, keep);
    LastCopyGuard guard = new LastCopyGuard(local, remote, prefix);
    List<StoredSnapshot> pruned = new ArrayList<>();
    deleteAll(local, guarded(Retention.toPrune(local.list(), prefix, keep), guard), pruned);
    if (remote.isPresent()) {
      RemoteCopy copy = remote.get();
      SnapshotNames.requireValidNodeName(local.nodeName());
      deleteAll(copy.store(), Retention.toPrune(guard.remoteListing(), prefix, copy.retention(), copy.scope(),
          local.nodeName(), guard::countsRemotely), pruned);
    }
    return pruned;
  }

  /** The victims the guard lets go, every one asked before any is deleted; the others are kept, and logged. */
  private static List<StoredSnapshot> guarded(List<StoredSnapshot> victims, LastCopyGuard guard)
      throws IOException {
    List<StoredSnapshot> allowed = new ArrayList<>();
    for (StoredSnapshot victim : victims) {
      if (guard.mayPruneLocal(victim)) {
        allowed.add(victim);
      } else {
        LOG.warn("Kept {} although it is outside the local retention: S3 holds no proven copy of it, and S3 "
            + "retention would keep it", victim.fileName());
      }
    }
    return allowed;
  }

  /**
   * Prunes a store to {@code keep} snapshots whose name starts with the prefix, newest kept; stops at the first
   * error as k3s does.
   *
   * @throws IllegalArgumentException for an unsafe prefix or a negative count
   */
  public static List<StoredSnapshot> prune(SnapshotStore store, String prefix, int keep) throws IOException {
    requirePruneArguments(prefix, keep);
    return deleteAll(store, Retention.toPrune(store.list(), prefix, keep), new ArrayList<>());
  }

  /**
   * Prunes an S3 store with the rule of a retention scope ({@link Retention}): {@link RetentionScope#NODE} keeps
   * {@code keep} of {@code node}'s snapshots, {@link RetentionScope#CLUSTER} {@code keep} of everyone's. On-demand
   * snapshots are pruned too when the prefix asks for them (it was asked). Costs the listing, no request per object.
   *
   * @throws IllegalArgumentException for an unsafe prefix or node name, or a negative count
   */
  public static List<StoredSnapshot> prune(SnapshotStore store, String prefix, int keep, RetentionScope scope,
      String node) throws IOException {
    requirePruneArguments(prefix, keep);
    SnapshotNames.requireValidNodeName(node);
    return deleteAll(store, Retention.toPrune(store.list(), prefix, keep, Objects.requireNonNull(scope), node,
        store::intact), new ArrayList<>());
  }

  private static void requirePruneArguments(String prefix, int keep) {
    SnapshotNames.requireValidPrefix(prefix);
    if (keep < 0) {
      throw new IllegalArgumentException("snapshot-retention must be 0 or more, got " + keep);
    }
  }

  /**
   * Deletes the victims in order, stopping at the first error as k3s does, and adds to {@code deleted} (returned)
   * those {@code delete} actually removed: nothing is reported pruned that is still there.
   */
  private static List<StoredSnapshot> deleteAll(SnapshotStore store, List<StoredSnapshot> victims,
      List<StoredSnapshot> deleted) throws IOException {
    for (StoredSnapshot victim : victims) {
      if (store.delete(victim.fileName())) {
        deleted.add(victim);
      } else {
        LOG.warn("Snapshot {} was listed for pruning but was not there to delete", victim.fileName());
      }
    }
    return deleted;
  }

  /**
   * Checks a snapshot against its trailer: a path (anything with a {@code /}, or an existing file), else a file
   * name in the node's directory.
   */
  public Verification verify(String nameOrPath) throws IOException {
    Path file = locate(nameOrPath);
    return new Verification(file, Files.size(file), SnapshotIntegrity.verify(file));
  }

  /** The snapshot file {@link #verify} would check: a path, else a file name in the node's directory. */
  public Path locate(String nameOrPath) throws IOException {
    Path file = nameOrPath.contains("/") ? Path.of(nameOrPath) : local.pathOf(nameOrPath);
    if (!Files.exists(file) && !nameOrPath.contains("/") && Files.exists(Path.of(nameOrPath))) {
      file = Path.of(nameOrPath);
    }
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such snapshot file");
    }
    return file.toAbsolutePath().normalize();
  }

  /**
   * The outcome of a delete.
   *
   * @param deleted the names removed
   * @param notFound the names found nowhere
   */
  public record DeleteResult(List<String> deleted, List<String> notFound) {
    public DeleteResult {
      deleted = List.copyOf(deleted);
      notFound = List.copyOf(notFound);
    }
  }

  /**
   * The outcome of a verify.
   *
   * @param file the absolute path checked
   * @param fileSize the file's size on disk (the zip size when compressed)
   * @param report what the trailer check found
   */
  public record Verification(Path file, long fileSize, IntegrityReport report) {}
}
