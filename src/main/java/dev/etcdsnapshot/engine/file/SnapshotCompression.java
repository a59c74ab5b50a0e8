package dev.etcdsnapshot.engine.file;

import dev.etcdsnapshot.storage.PartFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.zip.ZipInputStream;

/**
 * k3s's snapshot archive on disk (k3s-compat §5.2): written as a {@code .zip.part} file, mode 0600, holding exactly
 * one Deflate entry named after the raw snapshot (see {@link SnapshotZipWriter}); and unzipped again, insisting on
 * that single entry (stricter than k3s's restore, which takes the last of any entries: see
 * operator/docs/k3s-compat-decisions.md).
 */
public final class SnapshotCompression {

  private static final int BUFFER = 64 * 1024;

  private SnapshotCompression() {}

  /**
   * Writes the single-entry zip of {@code in} into {@code channel} (a {@code .part} file created 0600) and fsyncs
   * it; the caller renames it into place or removes it.
   *
   * @param published when given, each byte becomes readable through it once written, and it is completed at the end
   * @param zipDigest when given, sees every byte of the zip
   */
  public static void writeZip(InputStream in, FileChannel channel, GrowingFile published, String entryName, Instant time,
      SnapshotZipWriter writer, MessageDigest zipDigest) throws IOException {
    OutputStream file = Channels.newOutputStream(channel);
    if (published != null) {
      file = published.publishing(file);
    }
    OutputStream out = new BufferedOutputStream(digesting(file, zipDigest), BUFFER);
    writer.write(in, out, entryName, time);
    out.flush();
    channel.force(true);
    if (published != null) {
      published.complete();
    }
  }

  /**
   * Unzips a compressed snapshot into {@code target} (a {@link PartFile}, committed only when the archive held
   * exactly one entry; k3s's restore would take the last of several).
   */
  public static Path decompress(Path zip, PartFile target) throws IOException {
    try (InputStream in = Files.newInputStream(zip)) {
      ZipInputStream entry = openSingleEntry(in);
      copy(entry, Channels.newOutputStream(target.channel()));
      requireNoMoreEntries(entry);
      return target.commit();
    }
  }

  /** A zip stream positioned at its first entry; an empty archive is refused with k3s's message. */
  public static ZipInputStream openSingleEntry(InputStream in) throws IOException {
    ZipInputStream zip = new ZipInputStream(in);
    if (zip.getNextEntry() == null) {
      throw new IOException("unexpected compressed etcd snapshot contents: no entry");
    }
    return zip;
  }

  /**
   * "{@code <file>: not a k3s snapshot zip: <why>}" for a zip that {@link java.util.zip} cannot read (not a zip,
   * truncated, a bad CRC) or that is not exactly one entry; one line, whatever {@code cause} said or did not say.
   */
  public static IOException notASnapshotZip(Object file, IOException cause) {
    String why = cause.getMessage();
    if (cause instanceof java.io.EOFException) {
      why = "truncated (" + (why == null ? "unexpected end of file" : why) + ")";
    } else if (why != null && why.endsWith(": no entry")) {
      why = why + " (an empty archive, or not a zip file at all)";
    } else if (why == null) {
      why = cause.getClass().getSimpleName();
    }
    return new IOException(file + ": not a k3s snapshot zip: " + why.replace('\n', ' '), cause);
  }

  /** Refuses a second entry once the first has been read. */
  public static void requireNoMoreEntries(ZipInputStream zip) throws IOException {
    if (zip.getNextEntry() != null) {
      throw new IOException("unexpected compressed etcd snapshot contents: more than one entry");
    }
  }

  private static OutputStream digesting(OutputStream out, MessageDigest digest) {
    return digest == null ? out : new DigestOutputStream(out, digest);
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[BUFFER];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      out.write(buffer, 0, n);
    }
  }
}
