package dev.etcdsnapshot.engine.content;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A pull cursor over one bbolt bucket's B+tree in key order: a stack of the branch pages on the way down and the
 * leaf being read, nothing more. Layout facts (bbolt {@code internal/common/page.go}, {@code bucket.go}): branch
 * elements are 16 bytes (pos u32, ksize u32, child page u64), leaf elements 16 bytes (flags u32, pos u32, ksize u32,
 * vsize u32), {@code pos} counted from the element itself, the value right after the key; a nested bucket's value
 * is its 16-byte header (root page u64, sequence u64), and a root of 0 means the bucket's leaf page follows inline.
 * Keys must be strictly ascending across the bucket; anything else is reported as a corrupt page.
 *
 * <p>The current key and value are slices of the leaf page in the cursor's {@link BoltFile.Reader}, valid until
 * the cursor moves: nothing is copied unless a caller asks for a {@code byte[]}. The branch pages on the stack are
 * copies (they outlive the reads of the leaves under them), and so is the last key of a leaf, copied before the
 * next page is read, for the order check against the next leaf's first key.
 */
final class BucketCursor {

  static final int BUCKET_FLAG = 0x01;
  static final int BUCKET_HEADER = 16;
  private static final int ELEMENT = 16;

  private final BoltFile file;
  private final BoltFile.Reader reader;
  private final PageMap pages;
  private final String name;
  private final Deque<Frame> stack = new ArrayDeque<>();
  private ByteBuffer key;
  private ByteBuffer value;
  private int flags;

  private record Frame(ByteBuffer page, long id, boolean leaf, int count, int[] next) {}

  private BucketCursor(BoltFile file, PageMap pages, String name) {
    this.file = file;
    this.reader = file.reader();
    this.pages = pages;
    this.name = name;
  }

  /** The root bucket of the file. */
  static BucketCursor root(BoltFile file, PageMap pages) {
    BucketCursor cursor = new BucketCursor(file, pages, "the root bucket");
    cursor.pushPage(file.meta().rootPage());
    return cursor;
  }

  /** The nested bucket whose header value is {@code bucketValue}. */
  static BucketCursor nested(BoltFile file, PageMap pages, String name, ByteBuffer bucketValue) {
    BucketCursor cursor = new BucketCursor(file, pages, "bucket '" + name + "'");
    if (bucketValue.capacity() < BUCKET_HEADER) {
      throw cursor.corrupt("its header is " + bucketValue.capacity() + " bytes, expected " + BUCKET_HEADER);
    }
    ByteBuffer header = bucketValue.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long root = header.getLong(0);
    if (root != 0) {
      cursor.pushPage(root);
      return cursor;
    }
    ByteBuffer inline = bucketValue.slice(BUCKET_HEADER, bucketValue.capacity() - BUCKET_HEADER)
        .order(ByteOrder.LITTLE_ENDIAN);
    if (inline.capacity() < BoltFile.HEADER || Short.toUnsignedInt(inline.getShort(8)) != BoltFile.LEAF) {
      throw cursor.corrupt("its inline page is not a leaf page");
    }
    cursor.push(inline, -1, true);
    return cursor;
  }

  /** Advances to the next entry; false at the end of the bucket. */
  boolean next() {
    while (!stack.isEmpty()) {
      Frame top = stack.peek();
      int index = top.next()[0];
      if (index >= top.count()) {
        stack.pop();
        continue;
      }
      top.next()[0] = index + 1;
      int element = BoltFile.HEADER + index * ELEMENT;
      if (top.leaf()) {
        readLeafElement(top, element);
        return true;
      }
      int pos = top.page().getInt(element);
      int ksize = top.page().getInt(element + 4);
      check(top, element, pos, ksize, 0);
      pushPage(top.page().getLong(element + 8));
    }
    key = null;
    value = null;
    return false;
  }

  /** The bucket's last key, found by descending the tree's right edge (a fresh cursor only); null when empty. */
  ByteBuffer lastKey() {
    while (!stack.isEmpty()) {
      Frame top = stack.peek();
      if (top.count() == 0) {
        return null;
      }
      int element = BoltFile.HEADER + (top.count() - 1) * ELEMENT;
      if (top.leaf()) {
        readLeafElement(top, element);
        return key;
      }
      check(top, element, top.page().getInt(element), top.page().getInt(element + 4), 0);
      pushPage(top.page().getLong(element + 8));
    }
    return null;
  }

  private void readLeafElement(Frame frame, int element) {
    ByteBuffer page = frame.page();
    int elementFlags = page.getInt(element);
    int pos = page.getInt(element + 4);
    int ksize = page.getInt(element + 8);
    int vsize = page.getInt(element + 12);
    check(frame, element, pos, ksize, vsize);
    ByteBuffer nextKey = page.slice(element + pos, ksize);
    if (key != null && compareUnsigned(key.clear(), nextKey) >= 0) {
      throw corrupt("its keys are out of order on page " + frame.id());
    }
    key = nextKey;
    value = page.slice(element + pos + ksize, vsize);
    flags = elementFlags;
  }

  /** Unsigned lexicographic order of two whole buffers (ByteBuffer.compareTo compares signed bytes). */
  static int compareUnsigned(ByteBuffer a, ByteBuffer b) {
    int at = a.mismatch(b);
    if (at < 0) {
      return 0;
    }
    if (at >= a.limit() || at >= b.limit()) {
      return Integer.compare(a.limit(), b.limit());
    }
    return Integer.compare(Byte.toUnsignedInt(a.get(at)), Byte.toUnsignedInt(b.get(at)));
  }

  private void check(Frame frame, int element, int pos, int ksize, int vsize) {
    long end = (long) element + Integer.toUnsignedLong(pos) + Integer.toUnsignedLong(ksize)
        + Integer.toUnsignedLong(vsize);
    if (pos < 0 || ksize < 0 || vsize < 0 || end > frame.page().capacity()) {
      throw corrupt("page " + frame.id() + " has an element reaching past the page's end");
    }
  }

  private void pushPage(long id) {
    if (key != null) {
      // The reader is about to reuse the buffer the last key lies in; the next key is compared with a copy.
      key = ByteBuffer.wrap(bytes(key));
      value = null;
    }
    ByteBuffer page = reader.page(id, BoltFile.BRANCH | BoltFile.LEAF, name);
    pages.claim(id, file.span(page), name);
    boolean leaf = Short.toUnsignedInt(page.getShort(8)) == BoltFile.LEAF;
    push(leaf ? page : BoltFile.copy(page), id, leaf);
  }

  private void push(ByteBuffer page, long id, boolean leaf) {
    int count = Short.toUnsignedInt(page.getShort(10));
    if (BoltFile.HEADER + (long) count * ELEMENT > page.capacity()) {
      throw corrupt("page " + id + " claims " + count + " elements, more than fit in it");
    }
    if (count == 0 && !leaf) {
      throw corrupt("branch page " + id + " is empty");
    }
    if (stack.size() > 64) {
      throw corrupt("its tree is deeper than 64 levels (a page refers back to itself)");
    }
    stack.push(new Frame(page, id, leaf, count, new int[1]));
  }

  private SnapshotFormatException corrupt(String what) {
    return new SnapshotFormatException("snapshot is corrupt: " + name + ": " + what);
  }

  /**
   * The current entry's key, a slice of its page (position 0, limit its length). A caller may consume it (the
   * cursor resets it before comparing it with the next key).
   */
  ByteBuffer key() {
    return key;
  }

  /**
   * The current entry's value (a nested bucket's header for {@link #isBucket()}), a slice of its page, valid until
   * the cursor moves.
   */
  ByteBuffer value() {
    return value;
  }

  /** A copy of a slice's bytes. */
  static byte[] bytes(ByteBuffer slice) {
    byte[] copy = new byte[slice.capacity()];
    slice.get(0, copy);
    return copy;
  }

  /** Whether the current entry is a nested bucket. */
  boolean isBucket() {
    return (flags & BUCKET_FLAG) != 0;
  }
}
