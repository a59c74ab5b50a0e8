package dev.etcdsnapshot.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A node's snapshot directory as the engine writes it (k3s-compat §5.1): snapshots are created in place through
 * {@link PartFile}s, one save at a time under the node's lock, with k3s's metadata sidecars beside them.
 */
public interface SnapshotDirectory extends SnapshotFolder {

  /** The absolute snapshot directory. */
  Path directory();

  /** The node the directory belongs to. */
  String nodeName();

  /** The path a snapshot of this name has in the directory. */
  Path pathOf(String fileName);

  /**
   * Makes sure the directory can be used: creates the default one (0700), refuses a missing custom one, a
   * non-directory and, when {@code forWriting}, one this process cannot write. Messages name the path.
   */
  void checkDirectory(boolean forWriting) throws IOException;

  /** The snapshot of this name, or empty when there is no such regular file. */
  Optional<StoredSnapshot> find(String fileName) throws IOException;

  /** Writes the k3s extra-metadata sidecar {@code <dir>/../.metadata/<file>}; nothing when the map is empty. */
  void writeMetadata(String fileName, Map<String, String> extra) throws IOException;

  /**
   * Starts writing {@code fileName} in this directory through a fresh {@code .part} file (an old one of that name is
   * replaced).
   */
  PartFile createPart(String fileName) throws IOException;

  /**
   * Removes {@code .part} files a killed save left behind: those whose name without {@code .part} matches and that
   * were last written before {@code staleBefore}. The caller holds the node's lock. Returns the names removed.
   */
  List<String> removeLeftoverPartFiles(Predicate<String> ofThisNode, Instant staleBefore) throws IOException;

  /**
   * Takes the lock for saves of this node (k3s-io/k3s#10371), or empty when a save of the node holds it, in this
   * process or in another sharing the directory. Closing the lock lets the next save run.
   */
  Optional<Lock> tryLock();

  /** A held node lock. */
  interface Lock extends AutoCloseable {
    @Override
    void close();
  }
}
