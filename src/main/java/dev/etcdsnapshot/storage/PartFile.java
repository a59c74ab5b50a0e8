package dev.etcdsnapshot.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A snapshot file being written: a fresh {@code <name>.part} file, mode 0600, that takes its name only by
 * {@link #commit()} (fsync, atomic rename, directory sync), so readers see the file whole or not at all. Closing it
 * uncommitted removes the part file; closing it after a commit does nothing.
 */
public interface PartFile extends AutoCloseable {

  /** The part file's channel, open for writing. */
  FileChannel channel();

  /** Where the part file is, for a reader that follows the writer (it is gone after the commit or close). */
  Path path();

  /** Fsyncs and closes the part file and renames it to its final name, replacing a file of that name. */
  Path commit() throws IOException;

  /** Removes the part file unless it was committed. */
  @Override
  void close() throws IOException;
}
