package dev.etcdsnapshot.operator.reverify;

import dev.etcdsnapshot.engine.NodeLock;
import dev.etcdsnapshot.engine.SnapshotInProgressException;
import dev.etcdsnapshot.engine.file.Messages;
import dev.etcdsnapshot.operator.inventory.SnapshotData;
import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * An agent's own node's copies, read in place while the node lock is held, so a re-verification never overlaps a
 * save (or a retention pass) of the node; while a save runs the copy is skipped this round.
 */
public final class LocalCopies implements CopyReader {

  private final LocalSnapshotStore local;

  public LocalCopies(LocalSnapshotStore local) {
    this.local = local;
  }

  @Override
  public ReverifyVerdict read(SnapshotData data, Function<Path, ReverifyVerdict> check) {
    try (SnapshotDirectory.Lock lock = NodeLock.acquire(local)) {
      if (local.find(data.fileName()).isEmpty()) {
        // Storage is the truth: the sync removes the object of a file that is gone; that is not a content failure.
        return ReverifyVerdict.notChecked("not re-verified: " + data.fileName() + " is no longer in "
            + local.directory());
      }
      return check.apply(local.pathOf(data.fileName()));
    } catch (SnapshotInProgressException e) {
      return ReverifyVerdict.notChecked("not re-verified: a snapshot of node " + local.nodeName()
          + " is being saved; it is tried again next round");
    } catch (IOException e) {
      return ReverifyVerdict.notChecked("not re-verified: " + local.directory() + " could not be read: "
          + Messages.of(e));
    }
  }
}
