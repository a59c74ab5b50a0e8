package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The first half of a restore (k3s-compat §11, §14): fetch a snapshot and its metadata from S3 into a directory,
 * unzip it on request, and check it against etcd's trailer; a snapshot that fails the check is not left behind.
 */
public final class SnapshotDownload {

  private SnapshotDownload() {}

  /**
   * What a download produced.
   *
   * @param file the snapshot to restore from (the unzipped file when unzipping)
   * @param downloaded the file as stored in S3 (the zip when compressed)
   * @param report the trailer check of {@code file} (of the zip's entry when not unzipped)
   */
  public record Result(Path file, Path downloaded, IntegrityReport report) {}

  /**
   * Downloads {@code fileName} into {@code dir} (metadata into {@code dir/../.metadata}), both mode 0600.
   *
   * @throws java.nio.file.NoSuchFileException when the snapshot is not in the S3 folder
   * @throws IOException when it cannot be fetched or fails the trailer check (the files are then removed)
   */
  public static Result download(S3SnapshotStore store, String fileName, Path dir, boolean unzip)
      throws IOException {
    SnapshotNames.requireValidFileName(fileName);
    Files.createDirectories(dir);
    Path downloaded = store.download(fileName, dir);
    Path file = downloaded;
    boolean zipped = fileName.endsWith(SnapshotLayout.ZIP_SUFFIX);
    try {
      if (unzip && zipped) {
        file = SnapshotLayout.localFile(dir,
            fileName.substring(0, fileName.length() - SnapshotLayout.ZIP_SUFFIX.length()));
        SnapshotCompression.decompress(downloaded, file);
      }
      IntegrityReport report = SnapshotIntegrity.verify(file);
      if (!report.ok()) {
        throw new IOException("downloaded snapshot " + fileName + " is corrupt: " + report.describe());
      }
      return new Result(file, downloaded, report);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      Files.deleteIfExists(downloaded);
      Files.deleteIfExists(SnapshotLayout.localMetadataFile(dir, fileName));
      throw e;
    }
  }
}
