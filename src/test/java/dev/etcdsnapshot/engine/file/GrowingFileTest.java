package dev.etcdsnapshot.engine.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-over between the stream from etcd and the compressor reading behind it. */
class GrowingFileTest {

  @TempDir Path tmp;

  @Test
  void theReaderWaitsForTheWriterAndEndsWhenItCompletes() throws Exception {
    Path file = tmp.resolve("s.part");
    GrowingFile growing = new GrowingFile(file);
    try (OutputStream raw = Files.newOutputStream(file); InputStream in = growing.reader()) {
      OutputStream out = growing.publishing(raw);
      CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readAll(in));
      out.write(new byte[] {1, 2, 3});
      Thread.sleep(50);
      assertThat(read).isNotDone(); // the bytes so far are read, the end is not there yet
      out.write(new byte[] {4, 5});
      growing.complete();
      assertThat(read.get(5, TimeUnit.SECONDS)).containsExactly(1, 2, 3, 4, 5);
    }
  }

  @Test
  void aWaitingReaderFailsWithTheWritersCause() throws Exception {
    Path file = tmp.resolve("s.part");
    GrowingFile growing = new GrowingFile(file);
    Files.createFile(file);
    try (InputStream in = growing.reader()) {
      CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readAll(in));
      assertThat(growing.abandon(new IOException("etcd went away"))).isTrue();
      assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("etcd went away");
    }
  }

  @Test
  void theWriterStopsOnceTheReaderGaveUp() throws Exception {
    Path file = tmp.resolve("s.part");
    GrowingFile growing = new GrowingFile(file);
    try (OutputStream raw = Files.newOutputStream(file)) {
      OutputStream out = growing.publishing(raw);
      out.write(1);
      assertThat(growing.abandon(new IOException("failed to compress snapshot: disk full"))).isTrue();
      assertThatThrownBy(() -> out.write(2)).hasMessageContaining("disk full");
      assertThat(growing.abandon(new IOException("the writer's own failure"))).isFalse();
    }
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
