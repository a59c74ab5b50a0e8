package dev.etcdsnapshot.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A folder finished snapshots are copied into and fetched back from: the S3 folder a save uploads to. A node's
 * directory is not one; the engine writes it in place through {@link SnapshotDirectory}.
 */
public interface SnapshotStore extends SnapshotFolder {

  /**
   * Stores a finished, verified snapshot file under {@code metadata.fileName()} together with its metadata.
   * Either the whole snapshot is stored or nothing is: a failed put leaves no partial object or file behind.
   */
  StoredSnapshot put(Path file, SnapshotMetadata metadata) throws IOException;

  /**
   * Fetches a snapshot to {@code <dir>/<fileName>} and its metadata sidecar, if any, to
   * {@code <dir>/../.metadata/<fileName>}, both mode 0600. The snapshot goes through a {@code .part} file that
   * {@code check} sees complete before the rename, so a download that fails or does not pass the check leaves
   * nothing behind; an existing {@code <dir>/<fileName>} is refused and left as it is.
   *
   * @param check called with the complete {@code .part} file; throws to refuse it
   * @return the downloaded snapshot file
   * @throws java.nio.file.NoSuchFileException when the snapshot is not in the folder
   * @throws java.nio.file.FileAlreadyExistsException when {@code <dir>/<fileName>} exists
   */
  Path download(String fileName, Path dir, PartCheck check) throws IOException;
}
