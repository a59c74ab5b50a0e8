package dev.etcdsnapshot.engine.content;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A bbolt database file, memory-mapped read-only in windows of at most 1 GiB: a page is a slice of the mapping, so
 * walking the file copies nothing onto the heap and costs no system call per page (the kernel pages the file in
 * as the walk touches it; those pages are the page cache's, not the JVM heap's). A page whose overflow reaches past
 * its window's mapping (a value larger than {@link #WINDOW_OVERLAP}) is read onto the heap instead. Layout facts (from bbolt's {@code internal/common}): every page starts with a 16-byte header
 * (id u64, flags u16, count u16, overflow u32, little-endian); pages 0 and 1 are meta pages whose body is magic,
 * version, page size, flags, root bucket (root u64, sequence u64), free list, high-water mark, txid and an FNV-64a
 * checksum of the 56 bytes before it.
 */
final class BoltFile {

  static final int HEADER = 16;
  static final int BRANCH = 0x01;
  static final int LEAF = 0x02;
  static final int META = 0x04;
  static final int FREELIST = 0x10;

  private static final int MAGIC = 0xED0CDAED;
  private static final int VERSION = 2;
  private static final int META_BODY = 64;
  private static final int CHECKSUMMED = 56;
  private static final int MIN_PAGE = 512;
  private static final int MAX_PAGE = 1 << 16;
  private static final int TRAILER = 32;
  static final long WINDOW = 1L << 30;
  static final long WINDOW_OVERLAP = 64L << 20;

  private final FileChannel channel;
  private final long fileSize;
  private final MappedByteBuffer[] windows;
  private final BoltMeta meta;

  BoltFile(FileChannel channel) throws IOException {
    this.channel = channel;
    this.fileSize = channel.size();
    int count = (int) ((fileSize + WINDOW - 1) / WINDOW);
    this.windows = new MappedByteBuffer[count];
    for (int i = 0; i < count; i++) {
      long start = i * WINDOW;
      long length = Math.min(fileSize - start, WINDOW + WINDOW_OVERLAP);
      windows[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, length);
    }
    this.meta = chooseMeta();
    long database = meta.databaseSize();
    if (fileSize < database) {
      throw new SnapshotFormatException("snapshot is truncated: its meta page says " + meta.highWaterMark()
          + " pages of " + meta.pageSize() + " bytes (" + database + " bytes) but the file has " + fileSize
          + " bytes");
    }
    long extra = fileSize - database;
    if (extra != 0 && extra != TRAILER) {
      throw new SnapshotFormatException("snapshot has " + extra + " bytes after its last page (" + database
          + " bytes of " + meta.pageSize() + "-byte pages); only etcd's 32-byte sha256 trailer may follow them");
    }
  }

  BoltMeta meta() {
    return meta;
  }

  long fileSize() {
    return fileSize;
  }

  /** Whether the file carries etcd's 32-byte SHA-256 trailer after the pages. */
  boolean hasTrailer() {
    return fileSize - meta.databaseSize() == TRAILER;
  }

  private BoltMeta chooseMeta() throws IOException {
    if (fileSize < 2L * MIN_PAGE) {
      throw new SnapshotFormatException("snapshot is truncated: " + fileSize + " bytes cannot hold bbolt's two "
          + "meta pages");
    }
    String[] why = new String[2];
    BoltMeta first = readMeta(0, -1, why);
    BoltMeta second = null;
    if (first != null) {
      second = readMeta(1, first.pageSize(), why);
    } else {
      // Without a readable first meta page, the second one's offset is unknown: try each page size bbolt allows.
      for (int size = MIN_PAGE; size <= MAX_PAGE && second == null; size <<= 1) {
        String[] attempt = new String[2];
        second = readMeta(1, size, attempt);
        if (size == 4096) {
          why[1] = attempt[1];
        }
      }
    }
    if (first == null && second == null) {
      throw new SnapshotFormatException("snapshot is not a readable bbolt database: meta page 0 " + why[0]
          + "; meta page 1 " + why[1]);
    }
    if (first == null || (second != null && second.txid() > first.txid())) {
      return second;
    }
    return first;
  }

  /** The meta of page {@code index}, or null with the reason in {@code why[index]}. */
  private BoltMeta readMeta(int index, int pageSize, String[] why) throws IOException {
    long offset = index == 0 ? 0 : pageSize;
    if (offset + HEADER + META_BODY > fileSize) {
      why[index] = "lies beyond the end of the file";
      return null;
    }
    ByteBuffer page = mapped(offset, HEADER + META_BODY);
    int flags = Short.toUnsignedInt(page.getShort(8));
    int magic = page.getInt(HEADER);
    int version = page.getInt(HEADER + 4);
    int size = page.getInt(HEADER + 8);
    if (magic != MAGIC) {
      why[index] = "has no bbolt magic";
      return null;
    }
    if (version != VERSION) {
      why[index] = "has bbolt version " + version + ", expected " + VERSION;
      return null;
    }
    long checksum = page.getLong(HEADER + CHECKSUMMED);
    if (checksum != fnv64a(page, HEADER, CHECKSUMMED)) {
      why[index] = "fails its checksum";
      return null;
    }
    if (flags != META) {
      why[index] = "is not flagged as a meta page";
      return null;
    }
    if (size < MIN_PAGE || size > MAX_PAGE || Integer.bitCount(size) != 1) {
      why[index] = "declares an impossible page size " + Integer.toUnsignedString(size);
      return null;
    }
    if (index == 1 && size != pageSize) {
      why[index] = "declares page size " + size + " but lies at offset " + pageSize;
      return null;
    }
    long root = page.getLong(HEADER + 16);
    long freelist = page.getLong(HEADER + 32);
    long highWaterMark = page.getLong(HEADER + 40);
    long txid = page.getLong(HEADER + 48);
    if (highWaterMark < 2 || root < 2 || root >= highWaterMark
        || (freelist != BoltMeta.NO_FREELIST && (freelist < 2 || freelist >= highWaterMark))) {
      why[index] = "points outside the file's " + highWaterMark + " pages";
      return null;
    }
    return new BoltMeta(index, size, txid, root, freelist, highWaterMark);
  }

  private static long fnv64a(ByteBuffer buffer, int from, int length) {
    long hash = 0xcbf29ce484222325L;
    for (int i = from; i < from + length; i++) {
      hash ^= buffer.get(i) & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  /**
   * Page {@code id} with its overflow pages, as a little-endian buffer; its header must carry that id and one of
   * {@code allowedFlags}.
   */
  ByteBuffer page(long id, int allowedFlags, String role) {
    if (id < 2 || id >= meta.highWaterMark()) {
      throw new SnapshotFormatException("snapshot is corrupt: " + role + " points to page " + id + ", outside the "
          + meta.highWaterMark() + " pages in use");
    }
    try {
      long offset = id * meta.pageSize();
      ByteBuffer header = mapped(offset, HEADER);
      long headerId = header.getLong(0);
      int flags = Short.toUnsignedInt(header.getShort(8));
      long overflow = Integer.toUnsignedLong(header.getInt(12));
      if (headerId != id) {
        throw new SnapshotFormatException("snapshot is corrupt: page " + id + " (offset " + offset + ") carries id "
            + headerId + " — a wrong page size or a damaged page");
      }
      if ((flags & allowedFlags) == 0 || Integer.bitCount(flags) != 1) {
        throw new SnapshotFormatException("snapshot is corrupt: page " + id + " has flags 0x"
            + Integer.toHexString(flags) + " where " + role + " expects a " + describe(allowedFlags) + " page");
      }
      if (id + overflow >= meta.highWaterMark()) {
        throw new SnapshotFormatException("snapshot is corrupt: page " + id + " overflows by " + overflow
            + " pages past the " + meta.highWaterMark() + " pages in use");
      }
      long span = (overflow + 1) * meta.pageSize();
      if (span > Integer.MAX_VALUE - 8) {
        throw new SnapshotFormatException("snapshot is corrupt: page " + id + " spans " + span + " bytes");
      }
      ByteBuffer page = mapped(offset, (int) span);
      return page != null ? page : read(offset, (int) span);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pages a page spans (1 + overflow), without reading its body. */
  long span(ByteBuffer page) {
    return 1 + Integer.toUnsignedLong(page.getInt(12));
  }

  private static String describe(int flags) {
    StringBuilder text = new StringBuilder();
    if ((flags & BRANCH) != 0) {
      text.append("branch");
    }
    if ((flags & LEAF) != 0) {
      text.append(text.length() > 0 ? " or leaf" : "leaf");
    }
    if ((flags & FREELIST) != 0) {
      text.append(text.length() > 0 ? " or free-list" : "free-list");
    }
    return text.toString();
  }

  /**
   * {@code length} bytes at {@code offset} as a little-endian slice of the mapping; null when they lie past the
   * end of the window the offset falls in (a very large overflow), or a heap read when they lie past the file's end
   * (which then says the file is truncated).
   */
  private ByteBuffer mapped(long offset, int length) throws IOException {
    int index = (int) (offset / WINDOW);
    if (index >= windows.length || offset + length > fileSize) {
      return read(offset, length);
    }
    MappedByteBuffer window = windows[index];
    long start = index * WINDOW;
    if (offset + length > start + window.capacity()) {
      return null;
    }
    return window.slice((int) (offset - start), length).order(ByteOrder.LITTLE_ENDIAN);
  }

  private ByteBuffer read(long offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, offset + buffer.position());
      if (n < 0) {
        throw new SnapshotFormatException("snapshot is truncated: " + length + " bytes at offset " + offset
            + " lie beyond the end of the file (" + fileSize + " bytes)");
      }
    }
    return buffer.clear();
  }
}
