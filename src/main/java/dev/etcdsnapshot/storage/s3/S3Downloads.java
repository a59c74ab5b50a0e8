package dev.etcdsnapshot.storage.s3;

import dev.etcdsnapshot.storage.PartCheck;
import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.local.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/** Object reads and deletes with k3s's tolerance of missing objects. */
final class S3Downloads {

  private static final Logger LOG = LoggerFactory.getLogger(S3Downloads.class);

  /** Attempts of a download whose body the connection broke off. */
  static final int ATTEMPTS = 3;

  private final S3Client s3;
  private final String bucket;
  private final S3Failures failures;

  S3Downloads(S3Client s3, String bucket, S3Failures failures) {
    this.s3 = s3;
    this.bucket = bucket;
    this.failures = failures;
  }

  InputStream open(String key) throws IOException {
    try {
      return s3.getObject(g -> g.bucket(bucket).key(key));
    } catch (RuntimeException e) {
      if (S3Failures.notFound(e)) {
        throw new NoSuchFileException("s3://" + bucket + "/" + key);
      }
      throw failures.io("failed to read " + key + " from bucket " + bucket, e);
    }
  }

  /**
   * Downloads the snapshot {@code fileName} of {@code folder} to {@code <dir>/<fileName>} and its metadata
   * sidecar, if any, beside it as {@link S3SnapshotStore#download} describes; an existing target is refused.
   */
  Path snapshot(String folder, String fileName, Path dir, PartCheck check) throws IOException {
    Path target = SnapshotLayout.localFile(dir, fileName);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(target.toString(), null, "a snapshot of that name is already there");
    }
    toFile(SnapshotLayout.s3Key(folder, fileName), target, SnapshotLayout.partFile(dir, fileName), false, check);
    Path meta = SnapshotLayout.localMetadataFile(dir, fileName);
    try {
      toFileIfExists(SnapshotLayout.s3MetadataKey(folder, fileName), meta,
          meta.resolveSibling(fileName + SnapshotLayout.PART_SUFFIX));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(target); // ours: nothing was there before
      throw e;
    }
    return target;
  }

  /**
   * Downloads through {@code part}, which {@code check} sees complete before it is renamed to {@code target}. The
   * part file is created 0600 and missing directories 0700 whatever the umask (where the file system has POSIX
   * modes), so no other user reads a snapshot mid-download. A failed download or check leaves neither {@code part}
   * nor {@code target}, nor does one the process is killed during (SIGTERM/SIGINT: a shutdown hook removes the
   * part); with {@code replace} false an existing {@code target} is refused, never overwritten. A connection
   * reset mid-body is retried from the start, {@value #ATTEMPTS} attempts in all; a full disk is one clear error.
   */
  void toFile(String key, Path target, Path part, boolean replace, PartCheck check) throws IOException {
    PrivateFiles.createPrivateDirectories(target.toAbsolutePath().getParent());
    Thread cleanup = new Thread(() -> {
      try {
        Files.deleteIfExists(part);
      } catch (IOException ignored) {
        // exiting anyway
      }
    }, "download-cleanup");
    boolean hooked = ShutdownHooks.add(cleanup);
    try {
      fetch(key, part);
      check.check(part);
      if (replace) {
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        // Without REPLACE_EXISTING the move refuses an existing target; an atomic move would not (rename(2)).
        Files.move(part, target);
      }
    } catch (RuntimeException e) {
      throw failures.io("failed to download " + key + " from bucket " + bucket, e);
    } finally {
      Files.deleteIfExists(part);
      if (hooked) {
        ShutdownHooks.remove(cleanup);
      }
    }
  }

  /** The object's bytes into a fresh 0600 {@code part}, retrying a body the connection broke off. */
  private void fetch(String key, Path part) throws IOException {
    for (int attempt = 1; ; attempt++) {
      Files.deleteIfExists(part);
      try (InputStream in = open(key); OutputStream out = Channels.newOutputStream(PrivateFiles.createPrivate(part))) {
        copy(in, out, key, part);
        return;
      } catch (BodyBrokenOff e) {
        if (attempt >= ATTEMPTS) {
          throw new IOException("failed to download " + key + " from bucket " + bucket + ": the connection broke "
              + "off " + ATTEMPTS + " times (" + e.getCause() + "); check the network to the endpoint and retry", e);
        }
        LOG.warn("download of {} broke off ({}); retrying, attempt {} of {}", key, e.getCause(), attempt + 1,
            ATTEMPTS);
        pause(attempt);
      }
    }
  }

  private static void copy(InputStream in, OutputStream out, String key, Path part) throws IOException {
    byte[] buf = new byte[256 * 1024];
    while (true) {
      int n;
      try {
        n = in.read(buf);
      } catch (IOException | RuntimeException e) {
        throw new BodyBrokenOff(e);
      }
      if (n < 0) {
        return;
      }
      try {
        out.write(buf, 0, n);
      } catch (IOException e) {
        if (String.valueOf(e.getMessage()).contains("No space left on device")) {
          throw new IOException(part.toAbsolutePath().getParent() + ": no space left on device while downloading "
              + key + "; free space there and retry (the partial file was removed)", e);
        }
        throw e;
      }
    }
  }

  private static void pause(int attempt) throws IOException {
    try {
      Thread.sleep(200L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("download interrupted");
    }
  }


  /** A read of the response body failed: the connection, not the disk. */
  private static final class BodyBrokenOff extends IOException {
    private static final long serialVersionUID = 1L;

    BodyBrokenOff(Throwable cause) {
      super(cause);
    }
  }

  /** Like {@link #toFile}, replacing, but a missing object is not an error (k3s ignores a missing sidecar). */
  boolean toFileIfExists(String key, Path target, Path part) throws IOException {
    try {
      toFile(key, target, part, true, p -> {});
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Deletes an object; false when it did not exist. */
  boolean deleteIfExists(String key) throws IOException {
    try {
      s3.headObject(h -> h.bucket(bucket).key(key));
    } catch (RuntimeException e) {
      if (S3Failures.notFound(e)) {
        return false;
      }
      throw failures.io("failed to delete " + key + " from bucket " + bucket, e);
    }
    try {
      s3.deleteObject(d -> d.bucket(bucket).key(key));
      return true;
    } catch (RuntimeException e) {
      if (S3Failures.notFound(e)) {
        return false;
      }
      throw failures.io("failed to delete " + key + " from bucket " + bucket, e);
    }
  }

  /** Best-effort delete, used to undo half of a put. */
  void deleteQuietly(String key) {
    try {
      s3.deleteObject(d -> d.bucket(bucket).key(key));
    } catch (RuntimeException ignored) {
      // The caller reports the original failure.
    }
  }

}
