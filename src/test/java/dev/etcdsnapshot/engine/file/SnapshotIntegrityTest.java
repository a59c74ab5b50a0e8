package dev.etcdsnapshot.engine.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotIntegrityTest {

  @TempDir Path tmp;

  /** Bytes shaped like an etcd snapshot: a page-aligned body and the SHA-256 of it appended. */
  static byte[] snapshotBytes(int pages) throws Exception {
    byte[] body = new byte[pages * 4096];
    new Random(pages).nextBytes(body);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(body);
    out.write(MessageDigest.getInstance("SHA-256").digest(body));
    return out.toByteArray();
  }

  @Test
  void aValidTrailerIsOk() throws Exception {
    byte[] bytes = snapshotBytes(10);
    IntegrityReport report = SnapshotIntegrity.verify(new ByteArrayInputStream(bytes));
    assertThat(report.ok()).isTrue();
    assertThat(report.size()).isEqualTo(bytes.length);
    assertThat(report.describe()).isEqualTo("sha256 OK");
    assertThat(report.actualSha256()).isEqualTo(
        HexFormat.of().formatHex(bytes, bytes.length - 32, bytes.length));
  }

  @Test
  void writesInAnyChunkingGiveTheSameVerdict() throws Exception {
    byte[] bytes = snapshotBytes(7);
    Random random = new Random(1);
    SnapshotIntegrity.TrailerCheck check = SnapshotIntegrity.checking(OutputStream.nullOutputStream());
    for (int pos = 0; pos < bytes.length; ) {
      int len = Math.min(bytes.length - pos, random.nextInt(70));
      if (len == 1) {
        check.write(bytes[pos]);
      } else {
        check.write(bytes, pos, len);
      }
      pos += len;
    }
    assertThat(check.report().ok()).isTrue();
    check.requireValid();
  }

  @Test
  void aSizeWithoutTrailerIsReportedAsEtcdDoes() throws Exception {
    byte[] bytes = java.util.Arrays.copyOf(snapshotBytes(2), 8192 + 31);
    IntegrityReport report = SnapshotIntegrity.verify(new ByteArrayInputStream(bytes));
    assertThat(report.ok()).isFalse();
    assertThat(report.hasTrailer()).isFalse();
    assertThat(report.describe()).isEqualTo("sha256 checksum not found [bytes: 8223]");
  }

  @Test
  void aGarbledTrailerIsAMismatch() throws Exception {
    byte[] bytes = snapshotBytes(3);
    bytes[bytes.length - 1] ^= 1;
    SnapshotIntegrity.TrailerCheck check = SnapshotIntegrity.checking(OutputStream.nullOutputStream());
    check.write(bytes, 0, bytes.length);
    assertThatThrownBy(check::requireValid).isInstanceOf(IOException.class).hasMessageStartingWith("expected sha256 ");
  }

  @Test
  void aFlippedContentByteIsAMismatch() throws Exception {
    byte[] bytes = snapshotBytes(3);
    bytes[100] ^= 1;
    assertThat(SnapshotIntegrity.verify(new ByteArrayInputStream(bytes)).describe()).startsWith("expected sha256 ");
  }

  @Test
  void zippedSnapshotsAreCheckedInsideTheZip() throws Exception {
    Path zip = tmp.resolve("etcd-snapshot-n-1.zip");
    writeZip(zip, snapshotBytes(5), 1);
    assertThat(SnapshotIntegrity.verify(zip).ok()).isTrue();
  }

  @Test
  void zipsWithMoreThanOneEntryAreRefused() throws Exception {
    Path zip = tmp.resolve("etcd-snapshot-n-1.zip");
    writeZip(zip, snapshotBytes(5), 2);
    assertThatThrownBy(() -> SnapshotIntegrity.verify(zip)).hasMessageContaining("unexpected compressed etcd snapshot");
  }

  @Test
  void emptyZipsAreRefused() throws Exception {
    Path zip = tmp.resolve("etcd-snapshot-n-1.zip");
    writeZip(zip, new byte[0], 0);
    assertThatThrownBy(() -> SnapshotIntegrity.verify(zip)).hasMessageContaining("unexpected compressed etcd snapshot");
  }

  static void writeZip(Path zip, byte[] content, int entries) throws IOException {
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (int i = 0; i < entries; i++) {
        out.putNextEntry(new ZipEntry("entry" + i));
        out.write(content);
        out.closeEntry();
      }
    }
  }
}
