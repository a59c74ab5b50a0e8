package dev.etcdsnapshot.engine.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The archive a compressed snapshot is restored from: whatever the thread count, every zip reader must see one
 * Deflate entry with the exact bytes, name, time, size and CRC, and the blocks deflated apart must compress about
 * as well as one Deflate stream.
 */
class SnapshotZipWriterTest {

  private static final Instant TIME = Instant.parse("2026-11-30T12:34:56Z");

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void everyReaderSeesTheSingleEntryWhole(int threads) throws Exception {
    // Several blocks and a partial last one, part random and part repetitive (as etcd pages are).
    byte[] content = content(3 * SnapshotZipWriter.BLOCK + 12345);
    Path zip = write(new SnapshotZipWriter(threads, Deflater.DEFAULT_COMPRESSION), content);

    assertCentralDirectoryView(zip, content);
    assertStreamingView(zip, content);
  }

  @Test
  void anEmptyInputIsAnEmptyEntry() throws Exception {
    Path zip = write(new SnapshotZipWriter(2, Deflater.DEFAULT_COMPRESSION), new byte[0]);

    assertCentralDirectoryView(zip, new byte[0]);
    assertStreamingView(zip, new byte[0]);
  }

  /** Zip64 records, forced on a small entry, are read by both kinds of reader (real ones need a 4 GiB entry). */
  @Test
  void zip64RecordsAreReadable() throws Exception {
    byte[] content = content(SnapshotZipWriter.BLOCK + 7);
    Path zip = write(new SnapshotZipWriter(2, Deflater.DEFAULT_COMPRESSION, true), content);

    assertCentralDirectoryView(zip, content);
    assertStreamingView(zip, content);
  }

  /**
   * Each block is primed with the previous block's last 32 KiB, so data that repeats across a block boundary costs
   * no more than in one stream. A 20 KiB random pattern repeated over 8 blocks: one stream stores it once;
   * blocks deflated without the previous block's tail would store it once per block, 140 KiB more.
   */
  @Test
  void blocksDeflatedApartCompressAboutAsWellAsOneStream() throws Exception {
    byte[] pattern = new byte[20 * 1024];
    new Random(3).nextBytes(pattern);
    byte[] content = new byte[8 * SnapshotZipWriter.BLOCK];
    for (int i = 0; i < content.length; i += pattern.length) {
      System.arraycopy(pattern, 0, content, i, Math.min(pattern.length, content.length - i));
    }
    long parallel = Files.size(write(new SnapshotZipWriter(4, Deflater.DEFAULT_COMPRESSION), content));

    ByteArrayOutputStream single = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(single)) {
      out.putNextEntry(new ZipEntry("x"));
      out.write(content);
      out.closeEntry();
    }
    assertThat(single.size()).isLessThan(content.length / 40); // the repetition is found
    assertThat(parallel).isLessThan(single.size() + 1024L);
  }

  @Test
  void aFailingInputFailsTheWrite() {
    InputStream broken = new InputStream() {
      private int left = SnapshotZipWriter.BLOCK * 2;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          throw new IOException("disk gone");
        }
        int n = Math.min(len, left);
        left -= n;
        return n;
      }
    };
    assertThatThrownBy(() -> new SnapshotZipWriter(2, 6).write(broken, OutputStream.nullOutputStream(), "x", TIME))
        .hasMessage("disk gone");
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new SnapshotZipWriter(0, 6)).hasMessageContaining("threads");
    assertThatThrownBy(() -> new SnapshotZipWriter(1, 10)).hasMessageContaining("level");
  }

  @Test
  void dosTimeIsUtcWithTwoSecondPrecision() {
    long dos = SingleEntryZipRecords.dosTime(TIME);
    assertThat(dos >> 25).isEqualTo(2026 - 1980);
    assertThat((dos >> 21) & 0xf).isEqualTo(11);
    assertThat((dos >> 16) & 0x1f).isEqualTo(30);
    assertThat((dos >> 11) & 0x1f).isEqualTo(12);
    assertThat((dos >> 5) & 0x3f).isEqualTo(34);
    assertThat((dos & 0x1f) * 2).isEqualTo(56);
  }

  private Path write(SnapshotZipWriter writer, byte[] content) throws IOException {
    Path zip = tmp.resolve("etcd-snapshot-n1-1796000000.zip");
    try (OutputStream out = Files.newOutputStream(zip)) {
      assertThat(writer.write(new ByteArrayInputStream(content), out, "etcd-snapshot-n1-1796000000", TIME))
          .isEqualTo(content.length);
    }
    return zip;
  }

  private static void assertCentralDirectoryView(Path zip, byte[] content) throws IOException {
    try (ZipFile file = new ZipFile(zip.toFile())) {
      assertThat(file.size()).isEqualTo(1);
      ZipEntry entry = file.entries().nextElement();
      assertThat(entry.getName()).isEqualTo("etcd-snapshot-n1-1796000000");
      assertThat(entry.getMethod()).isEqualTo(ZipEntry.DEFLATED);
      assertThat(entry.getSize()).isEqualTo(content.length);
      assertThat(entry.getCrc()).isEqualTo(crc(content));
      assertThat(entry.getLastModifiedTime().toInstant()).isEqualTo(TIME);
      try (InputStream in = file.getInputStream(entry)) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
    }
  }

  private static void assertStreamingView(Path zip, byte[] content) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry entry = in.getNextEntry();
      assertThat(entry.getName()).isEqualTo("etcd-snapshot-n1-1796000000");
      // ZipInputStream checks the data descriptor's CRC and sizes against what it inflated.
      assertThat(in.readAllBytes()).isEqualTo(content);
      assertThat(in.getNextEntry()).isNull();
    }
  }

  private static long crc(byte[] content) {
    CRC32 crc = new CRC32();
    crc.update(content);
    return crc.getValue();
  }

  private static byte[] content(int size) {
    byte[] bytes = new byte[size];
    Random random = new Random(7);
    for (int i = 0; i < size; i += 4096) {
      int n = Math.min(4096, size - i);
      if ((i / 4096) % 3 == 0) {
        byte[] page = new byte[n];
        random.nextBytes(page);
        System.arraycopy(page, 0, bytes, i, n);
      } else {
        byte[] text = ("/registry/pods/default/pod-" + (i / 4096 % 17) + " ").getBytes();
        for (int j = 0; j < n; j++) {
          bytes[i + j] = text[j % text.length];
        }
      }
    }
    return bytes;
  }
}
