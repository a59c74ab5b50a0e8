package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.engine.file.GrowingFile;
import dev.etcdsnapshot.engine.file.IntegrityReport;
import dev.etcdsnapshot.engine.file.Messages;
import dev.etcdsnapshot.engine.file.SnapshotCompression;
import dev.etcdsnapshot.engine.file.SnapshotIntegrity;
import dev.etcdsnapshot.engine.file.SnapshotZipWriter;
import dev.etcdsnapshot.storage.PartFile;
import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.SnapshotLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Streams one snapshot from etcd into a directory, never leaving half of it there: the bytes go to a {@code .part}
 * file ({@link PartFile}), are checked against etcd's trailer on the way, and only a checked, fsynced file is
 * renamed into place.
 * A compressed snapshot is zipped while it streams, reading behind the raw {@code .part} file, so etcd is released
 * as fast as for a raw one and the raw file is never renamed into place (k3s writes it, zips it, then removes it).
 */
final class SnapshotWriter {

  private final SnapshotDirectory dir;
  private final SnapshotSource source;
  private final SnapshotZipWriter zip;

  SnapshotWriter(SnapshotDirectory dir, SnapshotSource source, SnapshotZipWriter zip) {
    this.dir = dir;
    this.source = source;
    this.zip = zip;
  }

  /** Writes {@code <dir>/<rawName>}; {@code digest}, when given, sees every byte of it. */
  Path writeRaw(String rawName, MessageDigest digest) throws IOException {
    try (PartFile part = dir.createPart(rawName)) {
      OutputStream out = Channels.newOutputStream(part.channel());
      streamChecked(digest == null ? out : new DigestOutputStream(out, digest));
      return part.commit();
    }
  }

  /**
   * Writes {@code <dir>/<rawName>.zip} holding the raw snapshot as its single entry; {@code digest}, when given,
   * sees every byte of the zip. Three stages run at once: the stream from etcd into the raw {@code .part} file,
   * the compressor reading behind it into the {@code .zip.part} file, and a check reading behind that the way a
   * restore will (the single entry inflated, etcd's trailer verified). The zip is renamed into place only when all
   * three succeeded: the archive is written by our own code, and one that cannot be restored is never saved.
   */
  Path writeZipped(String rawName, Instant time, MessageDigest digest) throws IOException {
    // The raw part file is only the compressor's input: it is never committed, so closing it removes it.
    try (PartFile rawPart = dir.createPart(rawName);
        PartFile zipPart = dir.createPart(rawName + SnapshotLayout.ZIP_SUFFIX)) {
      GrowingFile raw = new GrowingFile(rawPart.path());
      GrowingFile zipped = new GrowingFile(zipPart.path());
      try {
        CompletableFuture<Void> compressed = CompletableFuture.runAsync(
            () -> compress(raw, zipPart, zipped, rawName, time, digest), task -> daemon(task, "snapshot-zip"));
        CompletableFuture<IntegrityReport> checked =
            CompletableFuture.supplyAsync(() -> readBack(zipped), task -> daemon(task, "snapshot-zip-check"));
        try {
          streamChecked(raw.publishing(Channels.newOutputStream(rawPart.channel())));
        } catch (IOException | RuntimeException e) {
          boolean streamBrokeFirst = raw.abandon(e instanceof IOException io ? io : new IOException(Messages.of(e), e));
          IOException compressionFailure = failureOf(compressed);
          // When compression broke first, the stream stopped only because it was abandoned: report the cause.
          if (!streamBrokeFirst && compressionFailure != null) {
            throw compressionFailure;
          }
          throw e;
        }
        raw.complete();
        IOException compressionFailure = failureOf(compressed);
        if (compressionFailure != null) {
          throw compressionFailure;
        }
        rawPart.close();
        requireRestorable(checked);
        return zipPart.commit();
      } finally {
        // Also after an Error: a stage left waiting would hold a deleted file's disk space.
        raw.abandon(new IOException("the save ended"));
        zipped.abandon(new IOException("the save ended"));
      }
    }
  }

  /** What reading the zip back found; its failure is the compressor's when the compressor gave up first. */
  private static IntegrityReport readBack(GrowingFile zipped) {
    try (InputStream in = zipped.reader()) {
      return SnapshotIntegrity.verifyZipped(in);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void requireRestorable(CompletableFuture<IntegrityReport> checked) throws IOException {
    IntegrityReport report;
    try {
      report = checked.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reading the zip back");
    } catch (ExecutionException e) {
      throw new IOException("failed to compress snapshot: the written zip does not read back: "
          + Messages.of(e.getCause()), e.getCause());
    }
    if (!report.ok()) {
      throw new IOException("failed to compress snapshot: the written zip does not read back: " + report.describe());
    }
  }

  /** Streams the source into {@code out} and insists on a valid trailer. */
  private void streamChecked(OutputStream out) throws IOException {
    SnapshotIntegrity.TrailerCheck check = SnapshotIntegrity.checking(out);
    source.writeTo(check);
    try {
      check.requireValid();
    } catch (IOException e) {
      throw new IOException("corrupt snapshot stream from " + source.describe() + ": " + e.getMessage(), e);
    }
  }

  private void compress(GrowingFile raw, PartFile zipPart, GrowingFile zipped, String rawName, Instant time,
      MessageDigest digest) {
    try (InputStream in = raw.reader()) {
      SnapshotCompression.writeZip(in, zipPart.channel(), zipped, rawName, time, zip, digest);
    } catch (IOException | RuntimeException e) {
      IOException failure = new IOException("failed to compress snapshot: " + Messages.of(e), e);
      raw.abandon(failure);
      zipped.abandon(failure);
      throw new CompressionFailed(failure);
    }
  }

  /** Waits for the compressor; its failure, or null when it succeeded. */
  private static IOException failureOf(CompletableFuture<Void> compressed) throws IOException {
    try {
      compressed.get();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      compressed.cancel(true);
      throw new java.io.InterruptedIOException("interrupted while compressing the snapshot");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CompressionFailed failed) {
        return failed.failure;
      }
      return new IOException("failed to compress snapshot: " + Messages.of(e.getCause()), e.getCause());
    }
  }

  private static void daemon(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
  }

  /** Carries the compressor's IOException out of the CompletableFuture. */
  private static final class CompressionFailed extends RuntimeException {
    private final IOException failure;

    CompressionFailed(IOException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }
}
