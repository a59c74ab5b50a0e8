package dev.etcdsnapshot.engine.content;

import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * The free list a bbolt file may carry (etcd usually writes none: its backend sets NoFreelistSync). Layout: a page
 * flagged 0x10 whose count is the number of page ids (u64 each) that follow, or 0xFFFF with the real count in the
 * first u64. With it, every page of the file must be reachable from the root or free, as {@code bbolt check} says.
 */
final class FreeList {

  private static final int OVERFLOW_COUNT = 0xFFFF;

  private final BitSet free;
  private final long pages;

  private FreeList(BitSet free, long pages) {
    this.free = free;
    this.pages = pages;
  }

  static FreeList read(BoltFile file, PageMap reached) {
    long pages = file.meta().highWaterMark();
    long id = file.meta().freelistPage();
    if (id == BoltMeta.NO_FREELIST) {
      return new FreeList(null, pages);
    }
    ByteBuffer page = file.page(id, BoltFile.FREELIST, "the meta page's free list");
    reached.claim(id, file.span(page), "the free list");
    long count = Short.toUnsignedInt(page.getShort(10));
    int first = BoltFile.HEADER;
    if (count == OVERFLOW_COUNT) {
      count = page.getLong(first);
      first += 8;
    }
    if (count < 0 || first + count * 8 > page.capacity()) {
      throw new SnapshotFormatException("snapshot is corrupt: the free list on page " + id + " claims " + count
          + " pages, more than fit in it");
    }
    BitSet free = new BitSet((int) Math.min(Integer.MAX_VALUE, pages));
    for (int i = 0; i < count; i++) {
      long p = page.getLong(first + i * 8);
      if (p < 2 || p >= pages) {
        throw new SnapshotFormatException("snapshot is corrupt: the free list names page " + p + ", outside the "
            + pages + " pages in use");
      }
      free.set((int) p);
    }
    return new FreeList(free, pages);
  }

  /** With a free list: every page from 2 up is reached by the walk or free, and none is both. */
  void requireAllPagesAccounted(PageMap reached) {
    if (free == null) {
      return;
    }
    for (long p = 2; p < pages; p++) {
      boolean isFree = free.get((int) p);
      boolean isReached = reached.has(p);
      if (isFree && isReached) {
        throw new SnapshotFormatException("snapshot is corrupt: page " + p + " is both free and in use");
      }
      if (!isFree && !isReached) {
        throw new SnapshotFormatException("snapshot is corrupt: page " + p + " is neither reachable nor free");
      }
    }
  }
}
