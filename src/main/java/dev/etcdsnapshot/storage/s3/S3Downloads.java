package dev.etcdsnapshot.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import software.amazon.awssdk.services.s3.S3Client;

/** Object reads and deletes with k3s's tolerance of missing objects. */
final class S3Downloads {

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
   * Downloads through {@code part}, which {@code check} sees complete before it is renamed to {@code target}; mode
   * 0600 where the file system has POSIX modes. A failed download or check leaves neither {@code part} nor
   * {@code target}; with {@code replace} false an existing {@code target} is refused, never overwritten.
   */
  void toFile(String key, Path target, Path part, boolean replace, PartCheck check) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    try (InputStream in = open(key)) {
      Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
      restrict(part);
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

  private static void restrict(Path file) throws IOException {
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }
}
