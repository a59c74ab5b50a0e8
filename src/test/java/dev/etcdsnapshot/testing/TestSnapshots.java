package dev.etcdsnapshot.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/**
 * Files shaped like etcd snapshots (k3s-compat §11): whole 512-byte pages followed by the 32-byte SHA-256 of
 * everything before it, so integrity checks accept them. Written in chunks: large sizes cost no heap.
 */
public final class TestSnapshots {

  private TestSnapshots() {}

  /** Writes {@code pages} pseudo-random 512-byte pages plus the trailer: {@code pages * 512 + 32} bytes. */
  public static Path write(Path file, long pages, long seed) throws IOException {
    Random random = new Random(seed);
    MessageDigest sha = sha256();
    byte[] chunk = new byte[512 * 256];
    try (OutputStream out = Files.newOutputStream(file)) {
      long left = pages;
      while (left > 0) {
        int n = (int) Math.min(256, left);
        random.nextBytes(chunk);
        out.write(chunk, 0, n * 512);
        sha.update(chunk, 0, n * 512);
        left -= n;
      }
      out.write(sha.digest());
    }
    return file;
  }

  /** A snapshot of about {@code mib} MiB. */
  public static Path writeMiB(Path file, int mib, long seed) throws IOException {
    return write(file, mib * 2048L, seed);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
