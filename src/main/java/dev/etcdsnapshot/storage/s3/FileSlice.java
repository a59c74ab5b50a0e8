package dev.etcdsnapshot.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads {@code length} bytes of a file from {@code offset}, straight from the file: a part is never held in
 * memory, so an upload's heap use does not grow with the part size or the snapshot size.
 */
final class FileSlice extends InputStream {

  private final FileChannel channel;
  private long position;
  private final long end;

  FileSlice(Path file, long offset, long length) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.position = offset;
    this.end = offset + length;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (position >= end) {
      return -1;
    }
    int want = (int) Math.min(len, end - position);
    int n = channel.read(ByteBuffer.wrap(b, off, want), position);
    if (n < 0) {
      // The file shrank under us: fail rather than send a short part.
      throw new IOException("file ended " + (end - position) + " bytes early while uploading");
    }
    position += n;
    return n;
  }

  @Override
  public int available() {
    return (int) Math.min(Integer.MAX_VALUE, end - position);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
