package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.engine.file.IntegrityReport;
import dev.etcdsnapshot.engine.file.Messages;
import dev.etcdsnapshot.engine.file.SnapshotCompression;
import dev.etcdsnapshot.engine.file.SnapshotIntegrity;
import dev.etcdsnapshot.storage.PartFile;
import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The first half of a restore (k3s-compat §11, §14): fetch a snapshot and its metadata from a store (S3) into a
 * directory,
 * check it against etcd's trailer before it takes its name, and unzip it on request. A snapshot that fails the
 * check is never written under its name, and nothing already in the directory is overwritten.
 */
public final class SnapshotDownload {

  private SnapshotDownload() {}

  /**
   * What a download produced.
   *
   * @param file the snapshot to restore from (the unzipped file when unzipping)
   * @param downloaded the file as stored in S3 (the zip when compressed)
   * @param report the trailer check of the snapshot (of the zip's entry when compressed)
   */
  public record Result(Path file, Path downloaded, IntegrityReport report) {}

  /**
   * Downloads {@code fileName} into the directory {@code into} (metadata into its {@code ../.metadata}), both mode
   * 0600.
   *
   * @throws java.nio.file.NoSuchFileException when the snapshot is not in the store
   * @throws FileAlreadyExistsException when the snapshot (or, unzipping, its unzipped file) is already in
   *     the directory; nothing is downloaded or changed
   * @throws IOException when it cannot be fetched or fails the trailer check; nothing is left behind
   */
  public static Result download(SnapshotStore store, String fileName, SnapshotDirectory into, boolean unzip)
      throws IOException {
    SnapshotNames.requireValidFileName(fileName);
    boolean zipped = fileName.endsWith(SnapshotLayout.ZIP_SUFFIX);
    String unzippedName = unzip && zipped
        ? fileName.substring(0, fileName.length() - SnapshotLayout.ZIP_SUFFIX.length()) : fileName;
    Path dir = into.directory();
    Path downloaded = into.pathOf(fileName);
    Path file = into.pathOf(unzippedName);
    for (Path existing : List.of(downloaded, file)) {
      if (Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(existing.toString(), null,
            "refusing to overwrite an existing snapshot; move it away or download into another directory");
      }
    }
    Files.createDirectories(dir);
    List<IntegrityReport> report = new ArrayList<>(1);
    store.download(fileName, dir, part -> report.add(requireIntact(part, zipped, fileName)));
    if (!file.equals(downloaded)) {
      try (PartFile target = into.createPart(unzippedName)) {
        SnapshotCompression.decompress(downloaded, target);
      } catch (IOException | RuntimeException e) {
        throw new IOException("failed to unzip " + downloaded + " (downloaded and verified, kept): "
            + Messages.of(e), e);
      }
    }
    return new Result(file, downloaded, report.get(0));
  }

  /** The trailer check of a downloaded raw snapshot or of a zip's single entry; throws unless it passes. */
  private static IntegrityReport requireIntact(Path part, boolean zipped, String fileName) throws IOException {
    IntegrityReport report;
    try (InputStream in = Files.newInputStream(part)) {
      report = zipped ? SnapshotIntegrity.verifyZipped(in) : SnapshotIntegrity.verify(in);
    } catch (IOException e) {
      if (zipped) {
        // One wording for a bad zip wherever it is read: "<file>: not a k3s snapshot zip: <why>".
        throw SnapshotCompression.notASnapshotZip("downloaded snapshot " + fileName, e);
      }
      throw new IOException("downloaded snapshot " + fileName + " is corrupt: " + e.getMessage(), e);
    }
    if (!report.ok()) {
      throw new IOException("downloaded snapshot " + fileName + " is corrupt: " + report.describe());
    }
    return report;
  }
}
