package dev.etcdsnapshot.engine.content;

import dev.etcdsnapshot.engine.file.IntegrityReport;
import dev.etcdsnapshot.engine.file.SnapshotCompression;
import dev.etcdsnapshot.engine.file.SnapshotIntegrity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.zip.ZipInputStream;

/**
 * What an etcd snapshot file holds, read straight from its bbolt pages without etcd: the meta page, etcd's
 * {@code meta} bucket and the {@code key} bucket's revisions. Memory stays flat: a B+tree walk holds the pages it is on
 * (a stack of one page per tree level) and reads the file through a read-ahead buffer of at most
 * 1 MiB, whatever the file's size.
 *
 * <p>A k3s {@code .zip} snapshot (recognised by its bytes, not its name) is inflated first into a private
 * temporary file, deleted on {@link #close()}: a B+tree walk jumps between pages, which a Deflate stream cannot do,
 * and inflating once is cheaper than re-inflating from the start for every page behind the current one. The
 * inflation also checks etcd's SHA-256 trailer, so {@link #trailer()} costs nothing more for a zip.
 *
 * <p>Iterating the key bucket, in revision order (the bucket's key order):
 *
 * <pre>{@code
 * try (SnapshotContent content = SnapshotContent.open(path)) {
 *   for (Iterator<KeyRevision> it = content.revisions(); it.hasNext(); ) {
 *     KeyRevision r = it.next();           // r.main(), r.sub(), r.tombstone(), r.key()
 *     io.etcd.jetcd.api.KeyValue kv = r.keyValue();
 *   }
 * }
 * }</pre>
 *
 * A file that is not a readable snapshot throws {@link SnapshotFormatException} — from {@code open} for the meta
 * pages and the size, and from iteration for a corrupt page — with one sentence for the user.
 */
public final class SnapshotContent implements AutoCloseable {

  private static final byte[] KEY_BUCKET = "key".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] META_BUCKET = "meta".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
  private static final int BUFFER = 64 * 1024;

  private final Path database;
  private final Path temporary;
  private final FileChannel channel;
  private final BoltFile file;
  private final IntegrityReport inflatedTrailer;
  private EtcdMeta etcdMeta;

  private SnapshotContent(Path database, Path temporary, IntegrityReport inflatedTrailer) throws IOException {
    this.database = database;
    this.temporary = temporary;
    this.inflatedTrailer = inflatedTrailer;
    this.channel = FileChannel.open(database, StandardOpenOption.READ);
    try {
      this.file = new BoltFile(channel);
    } catch (RuntimeException | IOException e) {
      channel.close();
      throw e;
    }
  }

  /** Opens a raw snapshot or a single-entry zip of one, inflating a zip into the system temporary directory. */
  public static SnapshotContent open(Path snapshot) throws IOException {
    return open(snapshot, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** Opens a raw snapshot or a single-entry zip of one, inflating a zip into {@code tempDir}. */
  public static SnapshotContent open(Path snapshot, Path tempDir) throws IOException {
    return open(snapshot, tempDir, Long.MAX_VALUE);
  }

  /**
   * Opens a raw snapshot or a single-entry zip of one, inflating a zip into {@code tempDir} but never more than
   * {@code maxInflatedBytes} there (a bounded temporary volume must not fill up).
   *
   * @throws TooLarge when the zip's entry is larger than {@code maxInflatedBytes}; nothing is left behind
   */
  public static SnapshotContent open(Path snapshot, Path tempDir, long maxInflatedBytes) throws IOException {
    if (!isZip(snapshot)) {
      return new SnapshotContent(snapshot, null, null);
    }
    Path inflated = Files.createTempFile(tempDir, "snapshot-content-", ".db"); // 0600: it holds the cluster's data
    try {
      IntegrityReport trailer = inflate(snapshot, inflated, maxInflatedBytes);
      return new SnapshotContent(inflated, inflated, trailer);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(inflated);
      throw e;
    }
  }

  private static boolean isZip(Path snapshot) throws IOException {
    byte[] head = new byte[ZIP_MAGIC.length];
    try (InputStream in = Files.newInputStream(snapshot)) {
      return in.readNBytes(head, 0, head.length) == head.length && java.util.Arrays.equals(head, ZIP_MAGIC);
    }
  }

  /** A zipped snapshot too large to inflate into the temporary space allowed. */
  public static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }

  private static IntegrityReport inflate(Path zipFile, Path target, long limit) throws IOException {
    try (InputStream in = Files.newInputStream(zipFile);
        OutputStream out = Files.newOutputStream(target, StandardOpenOption.TRUNCATE_EXISTING)) {
      ZipInputStream zip = SnapshotCompression.openSingleEntry(in);
      SnapshotIntegrity.TrailerCheck check = SnapshotIntegrity.checking(out);
      byte[] buffer = new byte[BUFFER];
      for (int n = zip.read(buffer); n >= 0; n = zip.read(buffer)) {
        if (check.size() + n > limit) {
          throw new TooLarge("the unzipped snapshot exceeds the " + limit / (1024 * 1024) + " MiB allowed in "
              + target.getParent());
        }
        check.write(buffer, 0, n);
      }
      SnapshotCompression.requireNoMoreEntries(zip);
      return check.report();
    }
  }

  /** The bbolt meta page in use (page size, txid, root, high-water mark). */
  public BoltMeta boltMeta() {
    return file.meta();
  }

  /** Bytes of the snapshot itself (inside the zip for a compressed one), trailer included. */
  public long fileSize() {
    return file.fileSize();
  }

  /** Whether etcd's SHA-256 trailer follows the pages (a snapshot has one; a member's own {@code db} has not). */
  public boolean hasTrailer() {
    return file.hasTrailer();
  }

  /** The SHA-256 trailer check: free for a zip (done while inflating), one sequential read for a raw file. */
  public IntegrityReport trailer() throws IOException {
    return inflatedTrailer != null ? inflatedTrailer : SnapshotIntegrity.verify(database);
  }

  /** etcd's {@code meta} bucket values; absent ones are -1. */
  public synchronized EtcdMeta etcdMeta() {
    if (etcdMeta == null) {
      long consistentIndex = -1;
      long scheduled = -1;
      long finished = -1;
      ByteBuffer bucket = bucketValue(META_BUCKET);
      if (bucket != null) {
        BucketCursor cursor = BucketCursor.nested(file, PageMap.NONE, "meta", bucket);
        while (cursor.next()) {
          String name = new String(BucketCursor.bytes(cursor.key()), StandardCharsets.US_ASCII);
          ByteBuffer v = cursor.value();
          switch (name) {
            case "consistent_index" -> consistentIndex = bigEndian(v, 0, name);
            case "scheduledCompactRev" -> scheduled = bigEndian(v, 0, name);
            case "finishedCompactRev" -> finished = bigEndian(v, 0, name);
            default -> { }
          }
        }
      }
      etcdMeta = new EtcdMeta(consistentIndex, scheduled, finished);
    }
    return etcdMeta;
  }

  /** The key bucket's revisions in order (a new walk on every call); empty when the file has no key bucket. */
  public Iterator<KeyRevision> revisions() {
    ByteBuffer bucket = bucketValue(KEY_BUCKET);
    if (bucket == null) {
      return java.util.Collections.emptyIterator();
    }
    BucketCursor cursor = BucketCursor.nested(file, PageMap.NONE, "key", bucket);
    return new Iterator<>() {
      private KeyRevision next;

      @Override
      public boolean hasNext() {
        if (next == null && cursor.next()) {
          next = new KeyRevision(cursor.key(), cursor.value());
        }
        return next != null;
      }

      @Override
      public KeyRevision next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        KeyRevision r = next;
        next = null;
        return r;
      }
    };
  }

  /**
   * The main revision of the key bucket's last entry, the snapshot's revision (0 when the bucket is empty or
   * absent), read from the pages on the tree's right edge only.
   */
  public long lastRevision() {
    ByteBuffer bucket = bucketValue(KEY_BUCKET);
    if (bucket == null) {
      return 0;
    }
    ByteBuffer last = BucketCursor.nested(file, PageMap.NONE, "key", bucket).lastKey();
    return last == null ? 0 : new KeyRevision(last, ByteBuffer.allocate(0)).main();
  }

  /** Calls {@code action} for every key-bucket revision in order. */
  public void forEachRevision(Consumer<KeyRevision> action) {
    revisions().forEachRemaining(action);
  }

  /**
   * Walks every bucket (the way {@code etcdctl snapshot status} does: buckets in name order, entries in key order)
   * and checks the structure as it goes: each page reached once, inside the file, of the right kind, keys
   * ascending; and, when the file has a free list, that every page is either reached or free. A null
   * {@code visitor} only checks.
   */
  public void walk(BucketVisitor visitor) {
    PageMap pages = new PageMap(file.meta().highWaterMark());
    FreeList free = FreeList.read(file, pages);
    BucketCursor root = BucketCursor.root(file, pages);
    while (root.next()) {
      byte[] name = BucketCursor.bytes(root.key());
      if (!root.isBucket()) {
        throw new SnapshotFormatException("snapshot is corrupt: the root bucket holds a plain value '"
            + new String(name, StandardCharsets.UTF_8) + "'");
      }
      String bucketName = new String(name, StandardCharsets.UTF_8);
      if (visitor != null) {
        visitor.bucket(bucketName);
      }
      walkBucket(BucketCursor.nested(file, pages, bucketName, root.value()), pages, bucketName, visitor);
    }
    free.requireAllPagesAccounted(pages);
  }

  private void walkBucket(BucketCursor cursor, PageMap pages, String name, BucketVisitor visitor) {
    while (cursor.next()) {
      if (visitor != null) {
        visitor.entry(name, cursor.key(), cursor.isBucket() ? null : cursor.value());
      }
      if (cursor.isBucket()) {
        // Checked, not reported: etcdctl's status hashes a nested bucket as its name alone (etcd has none).
        String child = name + "/" + new String(BucketCursor.bytes(cursor.key()), StandardCharsets.UTF_8);
        walkBucket(BucketCursor.nested(file, pages, child, cursor.value()), pages, child, null);
      }
    }
  }

  /** What {@link #walk} reports. */
  public interface BucketVisitor {
    /** A top-level bucket begins. */
    void bucket(String name);

    /**
     * An entry of a top-level {@code bucket}; {@code value} is null for a nested bucket (not descended into). Both
     * are slices of the page being read, valid until this call returns: read them, do not keep them.
     */
    void entry(String bucket, ByteBuffer key, ByteBuffer value);
  }

  private ByteBuffer bucketValue(byte[] name) {
    BucketCursor root = BucketCursor.root(file, PageMap.NONE);
    ByteBuffer wanted = ByteBuffer.wrap(name);
    while (root.next()) {
      int order = BucketCursor.compareUnsigned(root.key(), wanted);
      if (order == 0) {
        return root.isBucket() ? root.value() : null;
      }
      if (order > 0) {
        return null;
      }
    }
    return null;
  }

  private static long bigEndian(ByteBuffer v, int offset, String name) {
    if (v.capacity() < offset + 8) {
      throw new SnapshotFormatException("snapshot is corrupt: meta '" + name + "' is " + v.capacity() + " bytes");
    }
    return v.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(offset);
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      if (temporary != null) {
        Files.deleteIfExists(temporary);
      }
    }
  }

  static UncheckedIOException unchecked(IOException e) {
    return new UncheckedIOException(e);
  }
}
