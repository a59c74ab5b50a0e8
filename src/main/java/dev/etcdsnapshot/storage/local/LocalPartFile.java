package dev.etcdsnapshot.storage.local;

import dev.etcdsnapshot.storage.PartFile;
import dev.etcdsnapshot.storage.SnapshotLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** A {@link PartFile} beside its target: created 0600, fsynced, renamed atomically, the directory synced. */
final class LocalPartFile implements PartFile {

  private final Path part;
  private final Path target;
  private final FileChannel channel;
  private boolean committed;

  private LocalPartFile(Path part, Path target, FileChannel channel) {
    this.part = part;
    this.target = target;
    this.channel = channel;
  }

  /** Starts writing {@code <dir>/<fileName>} through {@code <dir>/<fileName>.part}, replacing an old part file. */
  static LocalPartFile create(Path dir, String fileName) throws IOException {
    Path part = SnapshotLayout.partFile(dir, fileName);
    Files.deleteIfExists(part);
    return new LocalPartFile(part, SnapshotLayout.localFile(dir, fileName), PrivateFiles.createPrivate(part));
  }

  @Override
  public FileChannel channel() {
    return channel;
  }

  @Override
  public Path path() {
    return part;
  }

  @Override
  public Path commit() throws IOException {
    channel.force(true);
    channel.close();
    PrivateFiles.moveAtomically(part, target);
    committed = true;
    return target;
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      if (!committed) {
        Files.deleteIfExists(part);
      }
    }
  }
}
