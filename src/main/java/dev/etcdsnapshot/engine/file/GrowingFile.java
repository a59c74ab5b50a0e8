package dev.etcdsnapshot.engine.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file one thread appends to while another reads behind it: the snapshot streamed from etcd is compressed as it
 * arrives, with the file itself (the page cache) as the buffer between the two. etcd is thus released at the
 * speed of the disk, not of compression, and memory does not grow when compression is the slower of the two.
 */
public final class GrowingFile {

  private final Path path;
  private long published;
  private boolean complete;
  private IOException failure;

  public GrowingFile(Path path) {
    this.path = path;
  }

  /** Wraps the writer's stream: every byte written to it becomes readable once {@code write} returns. */
  public OutputStream publishing(OutputStream out) {
    return new OutputStream() {
      private long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        failIfAbandoned();
        out.write(b, off, len);
        written += len;
        publish(written);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }
    };
  }

  /** The writer is done and every byte is in the file: the reader sees the end of the stream. */
  public synchronized void complete() {
    complete = true;
    notifyAll();
  }

  /**
   * The writer gave up (or the reader did): the other side fails with this cause.
   *
   * @return true when this was the first cause, false when the other side had already abandoned the file
   */
  public synchronized boolean abandon(IOException cause) {
    notifyAll();
    if (failure == null) {
      failure = cause;
      return true;
    }
    return false;
  }

  /** A stream of the file's bytes that waits for the writer, ends when it completes, fails when it is abandoned. */
  public InputStream reader() throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    return new InputStream() {
      private long position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        long available = awaitBeyond(position);
        if (available <= position) {
          return -1;
        }
        int want = (int) Math.min(len, available - position);
        int n = channel.read(ByteBuffer.wrap(b, off, want), position);
        if (n < 0) {
          throw new IOException(path + " ended before the bytes written to it");
        }
        position += n;
        return n;
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }

  private synchronized void publish(long size) {
    published = size;
    notifyAll();
  }

  private synchronized void failIfAbandoned() throws IOException {
    if (failure != null) {
      throw new IOException("snapshot stream abandoned: " + failure.getMessage(), failure);
    }
  }

  /** Waits until more than {@code position} bytes are published or the writer is done; returns what is there. */
  private synchronized long awaitBeyond(long position) throws IOException {
    while (failure == null && published <= position && !complete) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the snapshot stream");
      }
    }
    if (failure != null) {
      throw new IOException(failure.getMessage(), failure);
    }
    return published;
  }
}
