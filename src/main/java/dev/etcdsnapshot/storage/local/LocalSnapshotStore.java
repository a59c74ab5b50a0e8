package dev.etcdsnapshot.storage.local;

import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.PartFile;
import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A node's snapshot directory as a {@link SnapshotDirectory}, with k3s's directory rules (k3s-compat §5.1): only the
 * default directory is created (mode 0700); a custom one must exist. Metadata sidecars live in the sibling
 * {@code .metadata} folder. Every file in the directory except {@code .part} files is a snapshot, as k3s lists them.
 */
public final class LocalSnapshotStore implements SnapshotDirectory {

  private final Path dir;
  private final boolean createIfMissing;
  private final String nodeName;
  private final Function<String, Optional<Instant>> timeInName;

  /**
   * @param dir the snapshot directory
   * @param createIfMissing true only for the default directory, which is created on first use
   * @param nodeName the node this directory belongs to, reported as each snapshot's node
   * @param timeInName reads the creation time from a file name (the engine's naming rule), empty when it has none
   */
  public LocalSnapshotStore(
      Path dir, boolean createIfMissing, String nodeName, Function<String, Optional<Instant>> timeInName) {
    this.dir = dir.toAbsolutePath().normalize();
    this.createIfMissing = createIfMissing;
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.timeInName = Objects.requireNonNull(timeInName, "timeInName");
  }

  /** The absolute snapshot directory. */
  @Override
  public Path directory() {
    return dir;
  }

  /** The node the directory belongs to. */
  @Override
  public String nodeName() {
    return nodeName;
  }

  @Override
  public StorageKind kind() {
    return StorageKind.LOCAL;
  }

  /**
   * Makes sure the directory can be used: creates the default one (0700), refuses a missing custom one, a
   * non-directory and, when {@code forWriting}, one this process cannot write. Messages name the path.
   */
  @Override
  public void checkDirectory(boolean forWriting) throws IOException {
    if (!Files.exists(dir)) {
      if (!createIfMissing) {
        throw new NoSuchFileException(dir.toString(), null, "snapshot directory does not exist");
      }
      try {
        PrivateFiles.createPrivateDirectories(dir);
      } catch (IOException e) {
        throw new IOException("cannot create snapshot directory " + dir + ": " + reason(e), e);
      }
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + " is not a directory");
    }
    if (forWriting && !Files.isWritable(dir)) {
      throw new AccessDeniedException(dir.toString(), null, "snapshot directory is not writable");
    }
  }

  @Override
  public String locationOf(String fileName) {
    return SnapshotLayout.localLocation(pathOf(fileName));
  }

  /** The path a snapshot of this name has in the directory. */
  @Override
  public Path pathOf(String fileName) {
    return SnapshotLayout.localFile(dir, fileName);
  }

  @Override
  public List<StoredSnapshot> list() throws IOException {
    checkDirectory(false);
    List<StoredSnapshot> all = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.endsWith(SnapshotLayout.PART_SUFFIX)) {
          continue;
        }
        stat(entry).ifPresent(all::add);
      }
    }
    return all;
  }

  /**
   * Removes {@code .part} files a killed save of ours left behind: the name (without {@code .part}) matches, the
   * caller holds the node's lock (so no save of ours owns them) and the file was last written before
   * {@code staleBefore}. k3s's own save and a {@code download} write {@code .part} files of the same shape without
   * our lock; a file being written is modified continually, so one untouched for longer than any save can stall
   * belongs to nobody. Returns the names removed.
   */
  @Override
  public List<String> removeLeftoverPartFiles(Predicate<String> ofThisNode, Instant staleBefore) throws IOException {
    List<String> removed = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + SnapshotLayout.PART_SUFFIX)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        String snapshot = name.substring(0, name.length() - SnapshotLayout.PART_SUFFIX.length());
        if (ofThisNode.test(snapshot) && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
            && Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(staleBefore)) {
          Files.deleteIfExists(entry);
          removed.add(name);
        }
      }
    }
    return removed;
  }

  /** The snapshot of this name, or empty when there is no such regular file. */
  @Override
  public Optional<StoredSnapshot> find(String fileName) throws IOException {
    return stat(pathOf(fileName));
  }

  private Optional<StoredSnapshot> stat(Path file) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!attributes.isRegularFile()) {
      return Optional.empty();
    }
    String name = file.getFileName().toString();
    Instant modifiedAt = attributes.lastModifiedTime().toInstant();
    Instant createdAt = timeInName.apply(name).orElse(modifiedAt);
    return Optional.of(new StoredSnapshot(name, StorageKind.LOCAL, SnapshotLayout.localLocation(file),
        attributes.size(), createdAt, modifiedAt, nodeName, null,
        MetadataSidecar.read(SnapshotLayout.localMetadataFile(dir, name))));
  }

  @Override
  public PartFile createPart(String fileName) throws IOException {
    return LocalPartFile.create(dir, fileName);
  }

  @Override
  public Optional<Lock> tryLock() {
    return NodeLocks.tryAcquire(dir, nodeName);
  }

  /** Writes the k3s extra-metadata sidecar {@code <dir>/../.metadata/<file>}; nothing when the map is empty. */
  @Override
  public void writeMetadata(String fileName, Map<String, String> extra) throws IOException {
    if (extra.isEmpty()) {
      return;
    }
    MetadataSidecar.write(SnapshotLayout.localMetadataFile(dir, fileName), extra);
  }

  @Override
  public InputStream open(String fileName) throws IOException {
    return Files.newInputStream(pathOf(fileName));
  }

  @Override
  public boolean delete(String fileName) throws IOException {
    boolean snapshot = Files.deleteIfExists(pathOf(fileName));
    boolean sidecar = Files.deleteIfExists(SnapshotLayout.localMetadataFile(dir, fileName));
    return snapshot || sidecar;
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
