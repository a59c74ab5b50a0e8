package dev.etcdsnapshot.cli;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A SNAPSHOT argument as verify takes it: a file name in the snapshot directory, or a path when it has a '/'. */
final class SnapshotArgument {

  private SnapshotArgument() {}

  static Path resolve(String nameOrPath, StorageOptions storage) throws NoSuchFileException {
    Path file = nameOrPath.contains("/") ? Path.of(nameOrPath) : storage.directory().resolve(nameOrPath);
    if (!Files.exists(file) && !nameOrPath.contains("/") && Files.exists(Path.of(nameOrPath))) {
      file = Path.of(nameOrPath);
    }
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such snapshot file");
    }
    return file;
  }
}
