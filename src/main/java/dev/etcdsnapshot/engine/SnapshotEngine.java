package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.engine.SnapshotFailure.Stage;
import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.storage.SnapshotStore;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import dev.etcdsnapshot.storage.local.PrivateFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
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
  private final Clock clock;

  /**
   * @param local the node's snapshot directory
   * @param source the etcd member to snapshot, or {@code null} for an engine that only lists, deletes, prunes and
   *     verifies
   * @param clock the only source of time
   */
  public SnapshotEngine(LocalSnapshotStore local, SnapshotSource source, Clock clock) {
    this.local = Objects.requireNonNull(local, "local");
    this.source = source;
    this.clock = Objects.requireNonNull(clock, "clock");
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
      return failedSave(fileName, saveFailure(fileName, Messages.of(e)));
    }
    try (NodeLock.Held lock = NodeLock.acquire(local.directory(), node)) {
      // The SHA-256 of the stored file goes with an upload; hashing while writing spares the store a re-read.
      MessageDigest stored = request.remote().isPresent() ? SnapshotIntegrity.sha256() : null;
      try {
        removeLeftovers(node);
        Path file = stream(rawName, request.compress() ? null : stored);
        if (request.compress()) {
          SnapshotCompression.compress(file, time, stored);
        }
      } catch (IOException | RuntimeException e) {
        // Whatever broke the stream, the .part file is gone (see stream) and the failure is reported, not thrown.
        return failedSave(fileName, saveFailure(fileName, Messages.of(e)));
      }
      String sha256 = stored == null ? null : HexFormat.of().formatHex(stored.digest());
      return afterLocalSave(request, fileName, time, sha256);
    }
  }

  /** A save killed with SIGKILL cannot remove its .part file; the next save of that node does. */
  private void removeLeftovers(String node) throws IOException {
    Pattern ofThisNode = Pattern.compile(
        ".+-" + Pattern.quote(node) + "-\\d+(\\.zip)?");
    for (String removed : local.removeLeftoverPartFiles(name -> ofThisNode.matcher(name).matches())) {
      LOG.warn("removed {} left behind by an interrupted save", removed);
    }
  }

  /** Streams etcd into the raw file; {@code digest}, when given, sees every byte written. */
  private Path stream(String rawName, MessageDigest digest) throws IOException {
    Path dir = local.directory();
    Path part = SnapshotLayout.partFile(dir, rawName);
    Path target = SnapshotLayout.localFile(dir, rawName);
    Files.deleteIfExists(part);
    try {
      try (FileChannel channel = PrivateFiles.createPrivate(part)) {
        OutputStream out = Channels.newOutputStream(channel);
        if (digest != null) {
          out = new DigestOutputStream(out, digest);
        }
        SnapshotIntegrity.TrailerCheck check = SnapshotIntegrity.checking(out);
        source.writeTo(check);
        try {
          check.requireValid();
        } catch (IOException e) {
          throw new IOException("corrupt snapshot stream from " + source.describe() + ": " + e.getMessage(), e);
        }
        channel.force(true);
      }
      PrivateFiles.moveAtomically(part, target);
      return target;
    } finally {
      Files.deleteIfExists(part);
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
      return failedSave(fileName, saveFailure(fileName, Messages.of(e)));
    }
    created.add(saved);
    LOG.info("Snapshot {} saved", fileName);
    prune(local, request.namePrefix(), request.localRetention(), null, pruned, failures);
    request.remote().ifPresent(remote -> {
      upload(remote.store(), saved, request, time, sha256, created, failures);
      String scopeNode = remote.scope() == RetentionScope.NODE ? local.nodeName() : null;
      prune(remote.store(), request.namePrefix(), remote.retention(), scopeNode, pruned, failures);
    });
    return new SaveResult(fileName, created, pruned, failures);
  }

  /**
   * The local file as saved, with the token fingerprint it was saved under: the directory keeps no fingerprint, so
   * only the save's own record carries it (as k3s, whose re-discovered local files get none).
   */
  private static StoredSnapshot recordedWith(String tokenHash, StoredSnapshot s) {
    return tokenHash == null ? s : new StoredSnapshot(s.fileName(), s.kind(), s.location(), s.size(), s.createdAt(),
        s.nodeName(), tokenHash, s.metadata());
  }

  private void upload(SnapshotStore store, StoredSnapshot saved, SaveRequest request, Instant time, String sha256,
      List<StoredSnapshot> created, List<SnapshotFailure> failures) {
    SnapshotMetadata metadata = new SnapshotMetadata(saved.fileName(), local.nodeName(), time,
        request.clusterId(), request.tokenHash(), sha256, request.extraMetadata());
    try {
      created.add(store.put(local.pathOf(saved.fileName()), metadata));
    } catch (IOException | RuntimeException e) {
      failures.add(new SnapshotFailure(Stage.UPLOAD, store.kind(), saved.fileName(), "", clock.instant(),
          "failed to upload snapshot " + saved.fileName() + ": " + Messages.of(e)));
    }
  }

  /** Automatic retention after a save; {@code onlyNode} narrows the listing to one uploader (S3 per-node scope). */
  private void prune(SnapshotStore store, String prefix, int keep, String onlyNode,
      List<StoredSnapshot> pruned, List<SnapshotFailure> failures) {
    if (keep < 1) {
      return;
    }
    try {
      List<StoredSnapshot> listing = store.list().stream()
          .filter(s -> onlyNode == null || onlyNode.equals(s.nodeName()))
          .toList();
      for (StoredSnapshot victim : Retention.toPruneAfterSave(listing, prefix, keep)) {
        store.delete(victim.fileName());
        pruned.add(victim);
      }
    } catch (IOException | RuntimeException e) {
      String where = store.kind() == StorageKind.LOCAL ? "local" : "S3";
      failures.add(new SnapshotFailure(Stage.RETENTION, store.kind(), "", "", clock.instant(),
          "failed to apply " + where + " snapshot retention policy: " + Messages.of(e)));
    }
  }

  private static SaveResult failedSave(String fileName, SnapshotFailure failure) {
    return new SaveResult(fileName, List.of(), List.of(), List.of(failure));
  }

  private SnapshotFailure saveFailure(String fileName, String message) {
    return new SnapshotFailure(Stage.SAVE, StorageKind.LOCAL, fileName, "", clock.instant(),
        "failed to save snapshot " + fileName + ": " + message);
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
    return prune(local, prefix, keep);
  }

  /**
   * Prunes a store to {@code keep} snapshots whose name starts with the prefix, newest kept; stops at the first
   * error as k3s does.
   *
   * @throws IllegalArgumentException for an unsafe prefix or a negative count
   */
  public static List<StoredSnapshot> prune(SnapshotStore store, String prefix, int keep) throws IOException {
    SnapshotNames.requireValidPrefix(prefix);
    if (keep < 0) {
      throw new IllegalArgumentException("snapshot-retention must be 0 or more, got " + keep);
    }
    List<StoredSnapshot> pruned = new ArrayList<>();
    for (StoredSnapshot victim : Retention.toPrune(store.list(), prefix, keep)) {
      store.delete(victim.fileName());
      pruned.add(victim);
    }
    return pruned;
  }

  /**
   * Checks a snapshot against its trailer: a path (anything with a {@code /}, or an existing file), else a file
   * name in the node's directory.
   */
  public Verification verify(String nameOrPath) throws IOException {
    Path file = nameOrPath.contains("/") ? Path.of(nameOrPath) : local.pathOf(nameOrPath);
    if (!Files.exists(file) && !nameOrPath.contains("/") && Files.exists(Path.of(nameOrPath))) {
      file = Path.of(nameOrPath);
    }
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such snapshot file");
    }
    return new Verification(file.toAbsolutePath().normalize(), Files.size(file), SnapshotIntegrity.verify(file));
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
