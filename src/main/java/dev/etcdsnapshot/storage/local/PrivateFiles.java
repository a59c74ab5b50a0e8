package dev.etcdsnapshot.storage.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner may read, written so that readers see them whole or not at all: created 0600 (0700 for
 * directories) from the start, fsynced, then renamed into place.
 */
public final class PrivateFiles {

  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

  private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

  private PrivateFiles() {}

  /** Creates a new file, mode 0600, for writing; fails if it exists. */
  public static FileChannel createPrivate(Path file) throws IOException {
    if (POSIX) {
      FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE_MODE);
      FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode);
      // The umask may have narrowed the mode further, never widened it; set it exactly.
      Files.setPosixFilePermissions(file, FILE_MODE);
      return channel;
    }
    return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  /** Creates a directory and its missing parents, the new ones with mode 0700. */
  public static void createPrivateDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return;
    }
    if (absolute.getParent() != null) {
      createPrivateDirectories(absolute.getParent());
    }
    try {
      Files.createDirectory(absolute);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return;
    }
    if (POSIX) {
      Files.setPosixFilePermissions(absolute, DIR_MODE);
    }
  }

  /** Renames {@code from} to {@code to} atomically where the file system can, replacing {@code to}. */
  public static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(to.toAbsolutePath().getParent());
  }

  /** Makes a rename in {@code dir} durable; a no-op where directories cannot be opened. */
  private static void syncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open or sync a directory; the rename itself has still happened.
    }
  }
}
