package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.SnapshotFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stored copy brought into a mode-0600 temporary file for a check that needs random access (the bbolt reader),
 * at most a given size (a larger copy is refused rather than filling the volume), and deleted whatever happened.
 */
public final class TemporaryCopy {

  private static final Logger LOG = LoggerFactory.getLogger(TemporaryCopy.class);

  private TemporaryCopy() {}

  /**
   * Streams {@code fileName} from {@code folder} into {@code tempDir} and applies {@code check} to the file.
   *
   * @return the check's result; empty when the copy is larger than {@code maxBytes} (nothing is checked)
   * @throws java.nio.file.NoSuchFileException when the copy is gone
   */
  public static <T> Optional<T> check(SnapshotFolder folder, String fileName, Path tempDir, long maxBytes,
      Function<Path, T> check) throws IOException {
    Path temp = privateTempFile(tempDir, fileName);
    try {
      try (InputStream in = folder.open(fileName); OutputStream out = Files.newOutputStream(temp)) {
        if (!copyAtMost(in, out, maxBytes)) {
          return Optional.empty();
        }
      }
      return Optional.of(check.apply(temp));
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        LOG.warn("could not delete the temporary copy {}: {}", temp, e.getMessage());
      }
    }
  }

  private static Path privateTempFile(Path tempDir, String fileName) throws IOException {
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
}
