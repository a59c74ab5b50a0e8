package dev.etcdsnapshot.engine.content;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * A bbolt database file, read with positional reads: a {@link Reader} (one per cursor) reads the pages a walk asks
 * for into a buffer of its own and reads ahead while the walk goes through the file in order, so a walk costs one
 * system call per up to {@link #MAX_READ_AHEAD} bytes and holds no more than that, whatever the file's size. Reads
 * rather than a memory mapping: a page is then copied once from the page cache into a buffer used again and again,
 * instead of being mapped by a page fault of its own, which is what dominated a walk where faults are dear (a
 * virtual machine's, about 1.2 µs a page here: BENCHMARKS.md, issue 10). Layout facts (from bbolt's
 * {@code internal/common}): every page starts with a 16-byte header (id u64, flags u16, count u16, overflow u32,
 * little-endian); pages 0 and 1 are meta pages whose body is magic, version, page size, flags, root bucket (root u64,
 * sequence u64), free list, high-water mark, txid and an FNV-64a checksum of the 56 bytes before it.
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
  /** What a reader reads at a page its previous read did not end at: most pages with their overflow fit. */
  static final int MIN_READ_AHEAD = 64 * 1024;
  /** The most a reader reads at once (doubling from the minimum while the walk stays in file order). */
  static final int MAX_READ_AHEAD = 1 << 20;

  private final FileChannel channel;
  private final long fileSize;
  private final BoltMeta meta;

  BoltFile(FileChannel channel) throws IOException {
    this.channel = channel;
    this.fileSize = channel.size();
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
    ByteBuffer page = read(offset, HEADER + META_BODY);
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
   * Page {@code id} with its overflow pages, as a little-endian buffer of its own; its header must carry that id
   * and one of {@code allowedFlags}. For pages read once (the free list); a walk reads through a {@link Reader}.
   */
  ByteBuffer page(long id, int allowedFlags, String role) {
    long offset = offset(id, role);
    try {
      int span = spanBytes(read(offset, HEADER), id, allowedFlags, role);
      return read(offset, span);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new reader of this file's pages, for one cursor. */
  Reader reader() {
    return new Reader();
  }

  /**
   * Reads pages for one cursor (not thread-safe; each thread's cursors have their own readers). A page it returns
   * is a slice of its buffer, valid until its next {@link #page} call: a caller that needs a page longer (a branch
   * page under the leaves being read) {@linkplain #copy copies} it.
   */
  final class Reader {

    private ByteBuffer buffer = ByteBuffer.allocateDirect(0);
    private long start;
    private int length;
    private int readAhead = MIN_READ_AHEAD;

    /** Page {@code id} with its overflow pages, checked like {@link BoltFile#page}. */
    ByteBuffer page(long id, int allowedFlags, String role) {
      long offset = offset(id, role);
      try {
        if (!holds(offset, HEADER)) {
          fill(offset, HEADER);
        }
        int at = (int) (offset - start);
        int span = spanBytes(buffer.slice(at, HEADER).order(ByteOrder.LITTLE_ENDIAN), id, allowedFlags, role);
        if (span > MAX_READ_AHEAD) {
          return read(offset, span); // a very large value: read on its own, the read-ahead left as it is
        }
        if (!holds(offset, span)) {
          fill(offset, span);
          at = 0;
        }
        return buffer.slice(at, span).order(ByteOrder.LITTLE_ENDIAN);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private boolean holds(long offset, int bytes) {
      return offset >= start && offset + bytes <= start + length;
    }

    /**
     * Reads from {@code offset} at least {@code needed} bytes: twice as much as last time when the walk goes on from
     * within the last read to past its end (pages written in order), the minimum again when it jumps.
     */
    private void fill(long offset, int needed) throws IOException {
      boolean onward = length > 0 && offset >= start && offset <= start + length;
      readAhead = onward ? Math.min(readAhead * 2, MAX_READ_AHEAD) : MIN_READ_AHEAD;
      int size = (int) Math.min(Math.max(readAhead, needed), Math.max(needed, fileSize - offset));
      if (buffer.capacity() < size) {
        buffer = ByteBuffer.allocateDirect(Math.max(size, Math.min(buffer.capacity() * 2, MAX_READ_AHEAD)));
      }
      buffer.clear().limit(size);
      readFully(buffer, offset, needed);
      start = offset;
      length = buffer.position();
    }
  }

  /** A page's copy on the heap, for a caller that keeps it beyond its reader's next read. */
  static ByteBuffer copy(ByteBuffer page) {
    ByteBuffer copy = ByteBuffer.allocate(page.capacity()).order(ByteOrder.LITTLE_ENDIAN);
    copy.put(0, page, 0, page.capacity());
    return copy;
  }

  private long offset(long id, String role) {
    if (id < 2 || id >= meta.highWaterMark()) {
      throw new SnapshotFormatException("snapshot is corrupt: " + role + " points to page " + id + ", outside the "
          + meta.highWaterMark() + " pages in use");
    }
    return id * meta.pageSize();
  }

  /**
   * The bytes page {@code id} spans with its overflow pages, from its header, which must be the page's (checked
   * here: id, flags, overflow inside the file).
   */
  private int spanBytes(ByteBuffer header, long id, int allowedFlags, String role) {
    long offset = id * meta.pageSize();
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
    return (int) span;
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

  /** {@code length} bytes at {@code offset} in a heap buffer of their own, little-endian. */
  private ByteBuffer read(long offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    readFully(buffer, offset, length);
    return buffer.clear().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Reads into {@code buffer} from {@code offset} until it is full or the file ends, and at least {@code needed}
   * bytes: fewer mean the file ends within the page, which says it is truncated.
   */
  private void readFully(ByteBuffer buffer, long offset, int needed) throws IOException {
    int begin = buffer.position();
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, offset + buffer.position() - begin);
      if (n < 0) {
        break;
      }
    }
    if (buffer.position() - begin < needed) {
      throw new SnapshotFormatException("snapshot is truncated: " + needed + " bytes at offset " + offset
          + " lie beyond the end of the file (" + fileSize + " bytes)");
    }
  }
}
