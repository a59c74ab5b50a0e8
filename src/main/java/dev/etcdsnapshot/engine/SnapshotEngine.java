package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.engine.SnapshotFailure.Stage;
import dev.etcdsnapshot.engine.file.IntegrityReport;
import dev.etcdsnapshot.engine.file.SnapshotIntegrity;
import dev.etcdsnapshot.engine.file.SnapshotZipWriter;
import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.SnapshotFolder;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the CLI and the operator call to take, list, delete, prune and verify snapshots of one node: take → verify
 * → compress → store → prune, with no Kubernetes in sight. A snapshot is never half there: it is streamed into a
 * {@code .part} file, checked against etcd's trailer, fsynced and renamed, or nothing is left.
 */
public final class SnapshotEngine {

  /** k3s's listing order: oldest first, then by name. */
  private static final Comparator<StoredSnapshot> LISTING_ORDER =
      Comparator.comparing(StoredSnapshot::createdAt).thenComparing(StoredSnapshot::fileName);

  /**
   * How long a {@code .part} file must have gone unwritten before a save removes it as left behind. A save that
   * writes nothing for this long has failed (etcd's stream and every S3 call have shorter timeouts).
   */
  public static final Duration STALE_PART_AGE = Duration.ofHours(1);

  private final SnapshotDirectory local;
  private final SnapshotSave saves;

  /**
   * @param local the node's snapshot directory
   * @param source the etcd member to snapshot, or {@code null} for an engine that only lists, deletes, prunes and
   *     verifies
   * @param clock the only source of time
   */
  public SnapshotEngine(SnapshotDirectory local, SnapshotSource source, Clock clock) {
    this(local, source, clock, SnapshotZipWriter.threadsBesideEtcd());
  }

  /**
   * As {@link #SnapshotEngine(SnapshotDirectory, SnapshotSource, Clock)}, compressing on up to
   * {@code compressThreads} threads.
   */
  public SnapshotEngine(SnapshotDirectory local, SnapshotSource source, Clock clock, int compressThreads) {
    this.local = Objects.requireNonNull(local, "local");
    this.saves = new SnapshotSave(local, source, Objects.requireNonNull(clock, "clock"),
        new SnapshotZipWriter(compressThreads, SnapshotZipWriter.DEFAULT_LEVEL));
  }

  /** The node's snapshot directory. */
  public SnapshotDirectory localStore() {
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
    return saves.save(request);
  }

  /** The node's snapshots, oldest first, then by name (as {@code k3s etcd-snapshot ls}). */
  public List<StoredSnapshot> list() throws IOException {
    return list(local);
  }

  /** A store's snapshots, oldest first, then by name. */
  public static List<StoredSnapshot> list(SnapshotFolder store) throws IOException {
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
  public static DeleteResult delete(SnapshotFolder store, List<String> fileNames) throws IOException {
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
    return Pruning.prune(local, prefix, keep, remote);
  }

  /**
   * Prunes a store to {@code keep} snapshots whose name starts with the prefix, newest kept; stops at the first
   * error as k3s does.
   *
   * @throws IllegalArgumentException for an unsafe prefix or a negative count
   */
  public static List<StoredSnapshot> prune(SnapshotFolder store, String prefix, int keep) throws IOException {
    return Pruning.prune(store, prefix, keep);
  }

  /**
   * Prunes an S3 store with the rule of a retention scope ({@link Retention}): {@link RetentionScope#NODE} keeps
   * {@code keep} of {@code node}'s snapshots, {@link RetentionScope#CLUSTER} {@code keep} of everyone's. On-demand
   * snapshots are pruned too when the prefix asks for them (it was asked). Costs the listing, no request per object.
   *
   * @throws IllegalArgumentException for an unsafe prefix or node name, or a negative count
   */
  public static List<StoredSnapshot> prune(SnapshotFolder store, String prefix, int keep, RetentionScope scope,
      String node) throws IOException {
    return Pruning.prune(store, prefix, keep, scope, node);
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
