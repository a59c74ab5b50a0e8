package dev.etcdsnapshot.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLockTest {

  @TempDir Path tmp;

  static SnapshotDirectory directory(Path dir, String node) {
    return new LocalSnapshotStore(dir, false, node, SnapshotNames::parseTimestamp);
  }

  @Test
  void aSecondSaveOfTheSameNodeIsRefusedUntilTheFirstEnds() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("snapshots"));
    try (SnapshotDirectory.Lock first = NodeLock.acquire(directory(dir, "node1"))) {
      assertThatThrownBy(() -> NodeLock.acquire(directory(dir, "node1")))
          .isInstanceOf(SnapshotInProgressException.class)
          .hasMessage("snapshot save already in progress on node node1");
      try (SnapshotDirectory.Lock other = NodeLock.acquire(directory(dir, "node2"))) {
        assertThat(other).isNotNull();
      }
    }
    NodeLock.acquire(directory(dir, "node1")).close();
  }

  @Test
  void theLockFileLivesBesideTheSnapshotDirectoryNotInIt() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("snapshots"));
    NodeLock.acquire(directory(dir, "node1")).close();
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
    assertThat(tmp.resolve(".metadata/.lock-node1")).exists();
  }

  @Test
  void aSaveInAnotherProcessHoldsTheLock() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("snapshots"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        NodeLockHolder.class.getName(), dir.toString(), "node1").redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");

      assertThatThrownBy(() -> NodeLock.acquire(directory(dir, "node1")))
          .isInstanceOf(SnapshotInProgressException.class);

      holder.getOutputStream().close(); // the holder releases and exits
      assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
      NodeLock.acquire(directory(dir, "node1")).close();
    } finally {
      holder.destroyForcibly();
    }
  }
}
