package dev.etcdsnapshot.engine.file;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipInputStream;

/**
 * etcd's snapshot integrity rule (k3s-compat §11): a snapshot carries a SHA-256 trailer iff its size satisfies
 * {@code size % 512 == 32}, and the trailer must equal SHA-256 of every byte before it. Checks stream with a fixed
 * buffer; nothing is held but the last 32 bytes.
 */
public final class SnapshotIntegrity {

  /** etcd's trailer length. */
  public static final int TRAILER = 32;

  /** bbolt's page alignment the trailer rule builds on. */
  public static final int ALIGNMENT = 512;

  private static final int BUFFER = 64 * 1024;

  private SnapshotIntegrity() {}

  /**
   * Checks a raw snapshot file, or the single entry of a {@code .zip} one.
   *
   * @throws IOException for a {@code .zip} that cannot be read as one: "{@code <file>: not a k3s snapshot zip: <why>}"
   */
  public static IntegrityReport verify(Path file) throws IOException {
    boolean zipped = file.getFileName().toString().endsWith(".zip");
    try (InputStream in = Files.newInputStream(file)) {
      if (zipped) {
        return verifyZipped(in);
      }
      return verify(in);
    } catch (IOException e) {
      throw zipped && Files.isRegularFile(file) ? SnapshotCompression.notASnapshotZip(file, e) : e;
    }
  }

  /** Checks a single-entry zip whose entry is a snapshot. */
  public static IntegrityReport verifyZipped(InputStream in) throws IOException {
    ZipInputStream zip = SnapshotCompression.openSingleEntry(in);
    IntegrityReport report = verify(zip);
    SnapshotCompression.requireNoMoreEntries(zip);
    return report;
  }

  /** Checks a raw snapshot stream to its end; the stream is not closed. */
  public static IntegrityReport verify(InputStream in) throws IOException {
    TrailerCheck check = new TrailerCheck(OutputStream.nullOutputStream());
    byte[] buffer = new byte[BUFFER];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      check.write(buffer, 0, n);
    }
    return check.report();
  }

  /**
   * Wraps the stream a snapshot is written to, so the check costs no second read: {@link TrailerCheck#report()} at
   * the end tells whether the written bytes carry a valid trailer.
   */
  public static TrailerCheck checking(OutputStream out) {
    return new TrailerCheck(out);
  }

  /** An output stream that passes bytes through and hashes all but the last 32, which it keeps as the trailer. */
  public static final class TrailerCheck extends FilterOutputStream {
    private final MessageDigest digest = sha256();
    private final byte[] tail = new byte[TRAILER];
    private int tailLength;
    private long size;

    private TrailerCheck(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      size += len;
      if (len >= TRAILER) {
        // The held tail and everything but this chunk's last 32 bytes are content.
        digest.update(tail, 0, tailLength);
        digest.update(b, off, len - TRAILER);
        System.arraycopy(b, off + len - TRAILER, tail, 0, TRAILER);
        tailLength = TRAILER;
        return;
      }
      int overflow = tailLength + len - TRAILER;
      if (overflow > 0) {
        digest.update(tail, 0, overflow);
        System.arraycopy(tail, overflow, tail, 0, tailLength - overflow);
        tailLength -= overflow;
      }
      System.arraycopy(b, off, tail, tailLength, len);
      tailLength += len;
    }

    /** Bytes written so far. */
    public long size() {
      return size;
    }

    /** The verdict on everything written so far. */
    public IntegrityReport report() {
      if (size % ALIGNMENT != TRAILER) {
        return new IntegrityReport(size, false, null, null);
      }
      HexFormat hex = HexFormat.of();
      String actual;
      try {
        actual = hex.formatHex(((MessageDigest) digest.clone()).digest());
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
      }
      return new IntegrityReport(size, true, hex.formatHex(tail, 0, TRAILER), actual);
    }

    /** Throws with etcd's wording unless the trailer is present and matches. */
    public void requireValid() throws IOException {
      IntegrityReport report = report();
      if (!report.ok()) {
        throw new IOException(report.describe());
      }
    }
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
