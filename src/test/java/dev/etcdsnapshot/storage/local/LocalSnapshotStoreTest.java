package dev.etcdsnapshot.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.storage.PartFile;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSnapshotStoreTest {

  @TempDir Path tmp;
  private Path dir;
  private LocalSnapshotStore store;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createDirectory(tmp.resolve("snapshots"));
    store = new LocalSnapshotStore(dir, false, "node1", SnapshotNames::parseTimestamp);
  }

  @Test
  void listsEveryFileButPartFilesWithTimeFromNameElseMtime() throws Exception {
    Files.writeString(dir.resolve("etcd-snapshot-node1-1700000000"), "abc");
    Files.writeString(dir.resolve("etcd-snapshot-node1-1700000001.zip.part"), "partial");
    Path stray = Files.writeString(dir.resolve("stray"), "x");
    Files.setLastModifiedTime(stray, FileTime.from(Instant.ofEpochSecond(42)));
    Files.createDirectory(dir.resolve("subdir"));

    List<StoredSnapshot> all = store.list().stream().sorted(Comparator.comparing(StoredSnapshot::fileName)).toList();

    assertThat(all).extracting(StoredSnapshot::fileName).containsExactly("etcd-snapshot-node1-1700000000", "stray");
    StoredSnapshot first = all.get(0);
    assertThat(first.kind()).isEqualTo(StorageKind.LOCAL);
    assertThat(first.size()).isEqualTo(3);
    assertThat(first.createdAt()).isEqualTo(Instant.ofEpochSecond(1700000000));
    assertThat(first.nodeName()).isEqualTo("node1");
    assertThat(first.location()).isEqualTo("file://" + dir.resolve("etcd-snapshot-node1-1700000000"));
    assertThat(all.get(1).createdAt()).isEqualTo(Instant.ofEpochSecond(42));
  }

  @Test
  void aPartFileClosedUncommittedLeavesNothing() throws Exception {
    try (PartFile part = store.createPart("on-demand-node2-6")) {
      part.channel().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }
    assertThat(dir.resolve("on-demand-node2-6")).doesNotExist();
    assertThat(dir.resolve("on-demand-node2-6.part")).doesNotExist();
  }

  @Test
  void aCommittedPartFileIsPrivateWithSidecarAndDeleteRemovesBoth() throws Exception {
    try (PartFile part = store.createPart("on-demand-node2-5")) {
      part.channel().write(ByteBuffer.wrap("snapshot-bytes".getBytes(StandardCharsets.UTF_8)));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(part.path()))).isEqualTo("rw-------");
      assertThat(dir.resolve("on-demand-node2-5")).as("not there before the commit").doesNotExist();
      part.commit();
    }
    store.writeMetadata("on-demand-node2-5", Map.of("k", "v"));
    StoredSnapshot put = store.find("on-demand-node2-5").orElseThrow();

    Path file = dir.resolve("on-demand-node2-5");
    Path sidecar = tmp.resolve(".metadata/on-demand-node2-5");
    assertThat(file).hasContent("snapshot-bytes");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(sidecar).hasContent("{\"k\":\"v\"}");
    assertThat(put.metadata()).isEqualTo(Map.of("k", "v"));
    assertThat(dir.resolve("on-demand-node2-5.part")).doesNotExist();
    try (var in = store.open("on-demand-node2-5")) {
      assertThat(new String(in.readAllBytes())).isEqualTo("snapshot-bytes");
    }

    assertThat(store.delete("on-demand-node2-5")).isTrue();
    assertThat(file).doesNotExist();
    assertThat(sidecar).doesNotExist();
    assertThat(store.delete("on-demand-node2-5")).isFalse();
  }

  @Test
  void aMissingCustomDirectoryIsAnErrorAndIsNotCreated() {
    Path missing = tmp.resolve("custom");
    LocalSnapshotStore custom = new LocalSnapshotStore(missing, false, "node1", SnapshotNames::parseTimestamp);

    assertThatThrownBy(custom::list).hasMessage(missing + ": snapshot directory does not exist");
    assertThat(missing).doesNotExist();
  }

  @Test
  void theDefaultDirectoryIsCreatedPrivately() throws Exception {
    Path missing = tmp.resolve("a/b/snapshots");
    LocalSnapshotStore defaults = new LocalSnapshotStore(missing, true, "node1", SnapshotNames::parseTimestamp);

    assertThat(defaults.list()).isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(missing))).isEqualTo("rwx------");
  }

  @Test
  void aFileIsNotADirectory() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    LocalSnapshotStore onFile = new LocalSnapshotStore(file, true, "node1", SnapshotNames::parseTimestamp);

    assertThatThrownBy(onFile::list).hasMessage(file + " is not a directory");
  }

  @Test
  void anUnwritableDirectoryIsRefusedForWriting() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "root can write to any directory");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
    try {
      assertThatThrownBy(() -> store.checkDirectory(true)).hasMessage(dir + ": snapshot directory is not writable");
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void aDirectoryNobodyMayWriteIsRefusedForWritingEvenForRoot() {
    // Permission bits do not stop root (CI runs as root); a kernel-owned directory does.
    Path readOnly = Path.of("/proc/sys");
    assumeTrue(Files.isDirectory(readOnly) && !Files.isWritable(readOnly), "needs a directory nobody may write");
    LocalSnapshotStore kernel = new LocalSnapshotStore(readOnly, false, "node1", SnapshotNames::parseTimestamp);
    assertThatThrownBy(() -> kernel.checkDirectory(true))
        .hasMessage(readOnly + ": snapshot directory is not writable");
  }
}
