package dev.etcdsnapshot.engine.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An etcd database may grow to 8 GiB, so its archive needs Zip64: a 4.1 GiB entry (repetitive, so it compresses
 * fast and the zip stays small) written by the parallel writer is read back whole by the central-directory reader,
 * the streaming reader (which checks the 8-byte data descriptor) and, where installed, Info-ZIP's unzip.
 */
class SnapshotZipWriterZip64IT {

  private static final long SIZE = (1L << 32) + 3 * 1024 * 1024 + 17;

  @TempDir Path tmp;

  @Test
  void anEntryBeyondFourGibibytesIsReadBackWhole() throws Exception {
    Path zip = tmp.resolve("big.zip");
    Synthetic source = new Synthetic(SIZE);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16)) {
      assertThat(new SnapshotZipWriter(2, 1).write(source, out, "big", Instant.ofEpochSecond(1796000000)))
          .isEqualTo(SIZE);
    }
    long crc = source.crc.getValue();

    try (ZipFile file = new ZipFile(zip.toFile())) {
      ZipEntry entry = file.getEntry("big");
      assertThat(entry.getSize()).isEqualTo(SIZE);
      assertThat(entry.getCrc()).isEqualTo(crc);
    }
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      assertThat(in.getNextEntry().getName()).isEqualTo("big");
      CRC32 read = new CRC32();
      byte[] buffer = new byte[1 << 16];
      long total = 0;
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        read.update(buffer, 0, n);
        total += n;
      }
      assertThat(total).isEqualTo(SIZE);
      assertThat(read.getValue()).isEqualTo(crc);
      assertThat(in.getNextEntry()).isNull();
    }
    // Info-ZIP, the reference reader besides Java's: .ci/run installs it, so CI insists on it.
    boolean unzip = onPath("unzip");
    if (!unzip && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("unzip must be on the PATH when CI=true (apt-get install unzip)");
    }
    if (unzip) {
      assertThat(run("unzip", "-tq", zip.toString())).contains("No errors detected");
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  private static boolean onPath(String binary) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }

  /** {@code size} bytes of a repeating pattern, with their CRC. */
  private static final class Synthetic extends InputStream {
    private final byte[] chunk = new byte[1 << 16];
    private final CRC32 crc = new CRC32();
    private long left;
    private int offset;

    Synthetic(long size) {
      this.left = size;
      byte[] text = "/registry/configmaps/kube-system/extension-apiserver-authentication ".getBytes(
          StandardCharsets.UTF_8);
      for (int i = 0; i < chunk.length; i++) {
        chunk[i] = text[i % text.length];
      }
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(Math.min(len, left), chunk.length - offset);
      System.arraycopy(chunk, offset, b, off, n);
      crc.update(b, off, n);
      offset = (offset + n) % chunk.length;
      left -= n;
      return n;
    }
  }
}
