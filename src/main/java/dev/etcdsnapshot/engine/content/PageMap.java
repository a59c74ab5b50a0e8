package dev.etcdsnapshot.engine.content;

import java.util.BitSet;

/**
 * Which pages a walk has reached, one bit per page: a page reached twice means two parents share it, which bbolt
 * never writes, so the file is corrupt. {@link #NONE} skips the bookkeeping for a walk that only reads.
 */
class PageMap {

  static final PageMap NONE = new PageMap(0) {
    @Override
    void claim(long id, long span, String owner) {}
  };

  private final BitSet seen;

  PageMap(long pages) {
    this.seen = new BitSet((int) Math.min(Integer.MAX_VALUE, pages));
  }

  void claim(long id, long span, String owner) {
    for (long p = id; p < id + span; p++) {
      if (seen.get((int) p)) {
        throw new SnapshotFormatException("snapshot is corrupt: page " + p + " of " + owner
            + " is also used elsewhere in the file");
      }
      seen.set((int) p);
    }
  }

  boolean has(long id) {
    return seen.get((int) id);
  }
}
