package dev.etcdsnapshot.operator.reverify;

import dev.etcdsnapshot.engine.file.Messages;
import dev.etcdsnapshot.operator.inventory.SnapshotData;
import dev.etcdsnapshot.operator.s3.S3Stores;
import dev.etcdsnapshot.storage.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's view of S3 copies: each is streamed into a mode-0600 temporary file under {@code tempDir}, at most
 * {@code maxBytes} of it (a larger copy is not checked rather than filling the volume), checked, and the temporary
 * file deleted whatever happened. Credentials come from the schedule or request whose S3 settings reach the store,
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
    Path temp = null;
    try (SnapshotStore store = found.get().opened().store()) {
      temp = privateTempFile(data.fileName());
      try (InputStream in = store.open(data.fileName()); OutputStream out = Files.newOutputStream(temp)) {
        if (!copyAtMost(in, out, maxBytes)) {
          return ReverifyVerdict.notChecked("not re-verified: " + data.fileName() + " is larger than the "
              + (maxBytes >> 20) + " MiB the temporary directory allows");
        }
      }
      return check.apply(temp);
    } catch (NoSuchFileException e) {
      return ReverifyVerdict.notChecked("not re-verified: " + data.fileName() + " is no longer in the bucket");
    } catch (IOException | RuntimeException e) {
      return ReverifyVerdict.notChecked("not re-verified: could not download " + data.fileName() + ": "
          + Messages.of(e));
    } finally {
      deleteQuietly(temp);
    }
  }

  private Path privateTempFile(String fileName) throws IOException {
    String suffix = fileName.endsWith(".zip") ? ".zip" : "";
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      FileAttribute<?> mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
      return Files.createTempFile(tempDir, "reverify-", suffix, mode);
    }
    return Files.createTempFile(tempDir, "reverify-", suffix);
  }

  /** Copies {@code in} to {@code out}; false as soon as more than {@code max} bytes come. */
  static boolean copyAtMost(InputStream in, OutputStream out, long max) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      total += n;
      if (total > max) {
        return false;
      }
      out.write(buffer, 0, n);
    }
    return true;
  }

  private static void deleteQuietly(Path temp) {
    if (temp == null) {
      return;
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      LOG.warn("could not delete the temporary copy {}: {}", temp, e.getMessage());
    }
  }
}
