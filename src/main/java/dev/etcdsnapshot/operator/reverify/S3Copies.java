package dev.etcdsnapshot.operator.reverify;

import dev.etcdsnapshot.engine.TemporaryCopy;
import dev.etcdsnapshot.engine.file.Messages;
import dev.etcdsnapshot.operator.inventory.SnapshotData;
import dev.etcdsnapshot.operator.s3.S3Stores;
import dev.etcdsnapshot.storage.SnapshotStore;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's view of S3 copies: each is brought into a temporary file under {@code tempDir} by the engine's
 * {@link TemporaryCopy} (mode 0600, at most {@code maxBytes}, deleted whatever happened) and checked there. Credentials come from the schedule or request whose S3 settings reach the store,
 * as for the deletion of S3 copies.
 */
public final class S3Copies implements CopyReader {

  private static final Logger LOG = LoggerFactory.getLogger(S3Copies.class);

  private final S3Stores stores;
  private final Path tempDir;
  private final long maxBytes;

  public S3Copies(S3Stores stores, Path tempDir, long maxBytes) {
    this.stores = stores;
    this.tempDir = tempDir;
    this.maxBytes = maxBytes;
  }

  @Override
  public ReverifyVerdict read(SnapshotData data, Function<Path, ReverifyVerdict> check) {
    Optional<S3Stores.Found> found = data.s3() == null ? Optional.empty() : stores.find(data.s3());
    if (found.isEmpty()) {
      return ReverifyVerdict.notChecked("not re-verified: no ETCDSnapshotSchedule or ETCDSnapshotRequest has S3 "
          + "settings for this copy's bucket and folder");
    }
    try (SnapshotStore store = found.get().opened().store()) {
      return TemporaryCopy.check(store, data.fileName(), tempDir, maxBytes, check)
          .orElseGet(() -> ReverifyVerdict.notChecked("not re-verified: " + data.fileName() + " is larger than the "
              + (maxBytes >> 20) + " MiB the temporary directory allows"));
    } catch (NoSuchFileException e) {
      return ReverifyVerdict.notChecked("not re-verified: " + data.fileName() + " is no longer in the bucket");
    } catch (IOException | RuntimeException e) {
      return ReverifyVerdict.notChecked("not re-verified: could not download " + data.fileName() + ": "
          + Messages.of(e));
    }
  }
}
