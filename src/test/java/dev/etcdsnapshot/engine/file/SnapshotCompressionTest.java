package dev.etcdsnapshot.engine.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.storage.PartFile;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCompressionTest {

  private static final SnapshotZipWriter WRITER = new SnapshotZipWriter(2, Deflater.DEFAULT_COMPRESSION);

  @TempDir Path tmp;

  private LocalSnapshotStore directory() {
    return new LocalSnapshotStore(tmp, false, "n1", SnapshotNames::parseTimestamp);
  }

  @Test
  void theZipIsPrivateWithOneDeflatedEntryNamedAfterTheRawFile() throws Exception {
    byte[] bytes = SnapshotIntegrityTest.snapshotBytes(8);
    Instant time = Instant.ofEpochSecond(1700000000);
    Path part = tmp.resolve("etcd-snapshot-n1-1700000000.zip.part");

    try (java.nio.channels.FileChannel channel = dev.etcdsnapshot.storage.local.PrivateFiles.createPrivate(part)) {
      SnapshotCompression.writeZip(new ByteArrayInputStream(bytes), channel, null, "etcd-snapshot-n1-1700000000",
          time, WRITER, null);
    }

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(part))).isEqualTo("rw-------");
    try (ZipFile file = new ZipFile(part.toFile())) {
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
    Path zip = tmp.resolve("on-demand-n1-5.zip");
    try (java.nio.channels.FileChannel channel = dev.etcdsnapshot.storage.local.PrivateFiles.createPrivate(zip)) {
      SnapshotCompression.writeZip(new ByteArrayInputStream(bytes), channel, null, "on-demand-n1-5",
          Instant.ofEpochSecond(5), WRITER, null);
    }

    Path restored = tmp.resolve("restored");
    try (PartFile target = directory().createPart("restored")) {
      SnapshotCompression.decompress(zip, target);
    }

    assertThat(Files.readAllBytes(restored)).isEqualTo(bytes);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restored))).isEqualTo("rw-------");
    assertThat(tmp.resolve("restored.part")).doesNotExist();
  }

  /** k3s's restore insists on exactly one entry; so do we, and a refused archive leaves no half-written file. */
  @Test
  void decompressRefusesASecondEntryAndLeavesNothing() throws Exception {
    Path zip = tmp.resolve("two.zip");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (String name : new String[] {"a", "b"}) {
        out.putNextEntry(new ZipEntry(name));
        out.write(new byte[] {1, 2, 3});
        out.closeEntry();
      }
    }
    Files.write(zip, bytes.toByteArray());

    assertThatThrownBy(() -> {
      try (PartFile target = directory().createPart("restored")) {
        SnapshotCompression.decompress(zip, target);
      }
    }).hasMessage("unexpected compressed etcd snapshot contents: more than one entry");
    assertThat(tmp.resolve("restored")).doesNotExist();
    assertThat(tmp.resolve("restored.part")).doesNotExist();
  }
}
