package dev.etcdsnapshot.storage.local;

import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.SnapshotLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One save per node at a time (k3s-io/k3s#10371): a second save is refused, never queued or interleaved. Inside a
 * process a set of busy nodes decides; across processes sharing the snapshot directory an OS file lock on
 * {@link SnapshotLayout#localLockFile} does, released by the OS even if the holder is killed.
 */
final class NodeLocks {

  private static final Logger LOG = LoggerFactory.getLogger(NodeLocks.class);

  private static final Set<String> BUSY = ConcurrentHashMap.newKeySet();

  private NodeLocks() {}

  /** The lock of {@code nodeName} for saves into {@code dir}, or empty when a save of that node holds it. */
  static Optional<SnapshotDirectory.Lock> tryAcquire(Path dir, String nodeName) {
    if (!BUSY.add(nodeName)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Held(nodeName, lockFile(dir, nodeName)));
    } catch (HeldElsewhere e) {
      BUSY.remove(nodeName);
      return Optional.empty();
    } catch (RuntimeException e) {
      BUSY.remove(nodeName);
      throw e;
    }
  }

  /** The file lock, or {@code null} when there is no lock file to share with other processes. */
  private static FileLock lockFile(Path dir, String nodeName) throws HeldElsewhere {
    Path file = SnapshotLayout.localLockFile(dir, nodeName);
    FileChannel channel;
    try {
      PrivateFiles.createPrivateDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      // Without a writable metadata folder there is nothing to share with other processes; the save itself will
      // report an unusable directory if that is the cause.
      LOG.warn("cannot open lock file {}: {}; locking within this process only", file, e.toString());
      return null;
    }
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        close(channel);
        throw new HeldElsewhere();
      }
      return lock;
    } catch (OverlappingFileLockException e) {
      close(channel);
      throw new HeldElsewhere();
    } catch (IOException e) {
      close(channel);
      LOG.warn("cannot lock {}: {}; locking within this process only", file, e.toString());
      return null;
    }
  }

  /** Another process (or another channel of this one) holds the node's lock file. */
  private static final class HeldElsewhere extends Exception {
    private static final long serialVersionUID = 1L;

    HeldElsewhere() {
      super(null, null, false, false);
    }
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing lock file failed", e);
    }
  }

  /** A held node lock; closing it lets the next save run. */
  private static final class Held implements SnapshotDirectory.Lock {
    private final String nodeName;
    private final FileLock fileLock;

    private Held(String nodeName, FileLock fileLock) {
      this.nodeName = nodeName;
      this.fileLock = fileLock;
    }

    @Override
    public void close() {
      try {
        if (fileLock != null) {
          fileLock.release();
          fileLock.channel().close();
        }
      } catch (IOException e) {
        LOG.debug("releasing lock file failed", e);
      } finally {
        BUSY.remove(nodeName);
      }
    }
  }
}
