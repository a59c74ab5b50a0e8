package dev.etcdsnapshot.engine.content;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.zip.CRC32C;

/**
 * etcd 3.4's {@code HashKV(rev)} computed from a snapshot file: CRC-32C of "key" and then, in revision order, the
 * stored key and value bytes of every key-bucket revision at or below {@code rev}; revisions at or below the live
 * member's compaction revision count only when they are in the keep set at {@code rev} (the newest revision of
 * each key unless that is a deletion) — or, when that set is empty, all the ones the member still stores (etcd 3.4.23
 * {@code mvcc/kvstore.go hashByRev}, {@code key_index.go keep}). What the member still stores at or below its
 * compaction revision C is what its compaction kept: each key's newest revision at or below C unless that is a
 * deletion ({@code key_index.go compact}). A snapshot taken before that compaction still holds the revisions it
 * removed, so with an empty keep set they are left out by a third pass that learns each key's newest revision at C
 * (only then: no key alive at the snapshot's revision, and a compaction).
 *
 * <p>{@link #index} makes the first pass (the newest revision of each key, in a {@link KeyTable}) and learns the
 * snapshot's revision, so a caller can ask the member for its hash at that revision, and its compaction revision,
 * before {@link #hash} makes the second pass.
 */
public final class KvHash {

  private static final byte[] KEY_BUCKET = "key".getBytes(StandardCharsets.US_ASCII);
  private static final int TOMBSTONE = 1 << 30;

  private final SnapshotContent content;
  private final long revision;
  private final KeyTable newest;
  private final boolean keepSetEmpty;
  private final long revisions;

  private KvHash(SnapshotContent content, long revision, KeyTable newest, long revisions) {
    this.content = content;
    this.revision = revision;
    this.newest = newest;
    this.revisions = revisions;
    this.keepSetEmpty = !newest.anyValue(v -> (v & TOMBSTONE) == 0);
  }

  /**
   * The hash etcd returns for {@code HashKV(revision)} when its compaction revision is {@code compactRevision}
   * (both passes at once; kept from the first version of this API).
   */
  public static int compute(SnapshotContent content, long revision, long compactRevision) {
    return index(content, revision).hash(compactRevision);
  }

  /** The first pass, at the snapshot's own revision (its newest). */
  public static KvHash index(SnapshotContent content) {
    return index(content, Long.MAX_VALUE);
  }

  /**
   * The first pass, for the hash at {@code atRevision} (revisions above it left out). It is also the structure
   * check: the pass is {@link SnapshotContent#walk}, which reads every bucket's pages once and refuses a corrupt
   * one, so proving a file costs two reads of it, not three.
   */
  public static KvHash index(SnapshotContent content, long atRevision) {
    KeyTable newest = new KeyTable();
    int[] ordinal = {0};
    long[] last = {0};
    content.walk(new SnapshotContent.BucketVisitor() {
      @Override
      public void bucket(String name) {}

      @Override
      public void entry(String bucket, ByteBuffer key, ByteBuffer value) {
        if (value == null || !bucket.equals("key")) {
          return;
        }
        if (ordinal[0] >= TOMBSTONE) {
          throw new SnapshotFormatException("snapshot holds more than " + TOMBSTONE + " revisions");
        }
        KeyRevision r = new KeyRevision(key, value);
        if (r.main() <= atRevision) {
          newest.put(r.keyFingerprint(), ordinal[0] | (r.tombstone() ? TOMBSTONE : 0));
          last[0] = r.main();
        }
        ordinal[0]++;
      }
    });
    return new KvHash(content, last[0], newest, ordinal[0]);
  }

  /** The revision the hash is taken at: the newest main revision at or below the one asked for (0 when none). */
  public long revision() {
    return revision;
  }

  /** Entries in the key bucket. */
  public long revisions() {
    return revisions;
  }

  /** Distinct etcd keys seen. */
  public int keys() {
    return newest.size();
  }

  /** The second pass: the hash a member whose compaction revision is {@code compactRevision} returns. */
  public int hash(long compactRevision) {
    KeyTable atCompaction = keepSetEmpty && compactRevision > 0 ? index(content, compactRevision).newest : null;
    CRC32C crc = new CRC32C();
    crc.update(KEY_BUCKET);
    int ordinal = 0;
    for (Iterator<KeyRevision> it = content.revisions(); it.hasNext(); ordinal++) {
      KeyRevision r = it.next();
      if (r.main() > revision) {
        continue;
      }
      if (r.main() <= compactRevision && !keepSetEmpty && newest.get(r.keyFingerprint()) != ordinal) {
        continue; // compacted away on the member: not its key's newest revision, or a deletion
      }
      if (r.main() <= compactRevision && atCompaction != null
          && (r.tombstone() || atCompaction.get(r.keyFingerprint()) != ordinal)) {
        continue; // removed by the member's compaction, which the empty keep set does not filter
      }
      r.hashInto(crc);
    }
    return (int) crc.getValue();
  }
}
