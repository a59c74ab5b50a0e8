package dev.etcdsnapshot.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCompressionTest {

  @TempDir Path tmp;

  @Test
  void compressWritesOneDeflatedEntryNamedAfterTheRawFileAndRemovesIt() throws Exception {
    byte[] bytes = SnapshotIntegrityTest.snapshotBytes(8);
    Path raw = tmp.resolve("etcd-snapshot-n1-1700000000");
    Files.write(raw, bytes);
    Instant time = Instant.ofEpochSecond(1700000000);

    Path zip = SnapshotCompression.compress(raw, time);

    assertThat(zip.getFileName().toString()).isEqualTo("etcd-snapshot-n1-1700000000.zip");
    assertThat(raw).doesNotExist();
    assertThat(tmp.resolve("etcd-snapshot-n1-1700000000.zip.part")).doesNotExist();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(zip))).isEqualTo("rw-------");
    try (ZipFile file = new ZipFile(zip.toFile())) {
      assertThat(file.size()).isEqualTo(1);
      ZipEntry entry = file.entries().nextElement();
      assertThat(entry.getName()).isEqualTo("etcd-snapshot-n1-1700000000");
      assertThat(entry.getMethod()).isEqualTo(ZipEntry.DEFLATED);
      assertThat(entry.getLastModifiedTime().toInstant()).isEqualTo(time);
      assertThat(file.getInputStream(entry).readAllBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void decompressRestoresTheRawBytesPrivately() throws Exception {
    byte[] bytes = SnapshotIntegrityTest.snapshotBytes(3);
    Path raw = tmp.resolve("on-demand-n1-5");
    Files.write(raw, bytes);
    Path zip = SnapshotCompression.compress(raw, Instant.ofEpochSecond(5));

    Path restored = tmp.resolve("restored");
    SnapshotCompression.decompress(zip, restored);

    assertThat(Files.readAllBytes(restored)).isEqualTo(bytes);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restored))).isEqualTo("rw-------");
    assertThat(tmp.resolve("restored.part")).doesNotExist();
  }

  @Test
  void aFailedCompressionLeavesNeitherZipNorRawFile() throws Exception {
    Path raw = tmp.resolve("on-demand-n1-5");
    Files.createDirectory(raw); // a directory cannot be read as a file

    assertThatThrownBy(() -> SnapshotCompression.compress(raw, Instant.EPOCH))
        .hasMessageStartingWith("failed to compress snapshot: ");
    assertThat(tmp.resolve("on-demand-n1-5.zip")).doesNotExist();
    assertThat(tmp.resolve("on-demand-n1-5.zip.part")).doesNotExist();
    assertThat(raw).doesNotExist();
  }
}
