package dev.etcdsnapshot.engine.content;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.zip.CRC32C;

/**
 * etcd 3.4's {@code HashKV(rev)} computed from a snapshot file: CRC-32C of "key" and then, in revision order, the
 * stored key and value bytes of every key-bucket revision at or below {@code rev}; revisions at or below the live
 * member's compaction revision count only when they are in the compaction's keep set at {@code rev} (the newest
 * revision of each key that is not a deletion) — unless that set is empty, when all of them count (etcd 3.4.23
 * {@code mvcc/kvstore.go hashByRev} and {@code key_index.go keep}). The keep set needs a first pass over the bucket
 * (the newest revision of each key), the hash a second one.
 */
public final class KvHash {

  private static final byte[] KEY_BUCKET = "key".getBytes(StandardCharsets.US_ASCII);
  private static final int TOMBSTONE = 1 << 30;

  private KvHash() {}

  /**
   * The hash etcd returns for {@code HashKV(revision)} when its compaction revision is {@code compactRevision}.
   *
   * @param revision the revision to hash at; revisions above it are left out
   * @param compactRevision the live member's compaction revision (0 when it never compacted)
   */
  public static int compute(SnapshotContent content, long revision, long compactRevision) {
    KeyTable newest = new KeyTable();
    int ordinal = 0;
    for (Iterator<KeyRevision> it = content.revisions(); it.hasNext(); ordinal++) {
      KeyRevision r = it.next();
      if (ordinal >= TOMBSTONE) {
        throw new SnapshotFormatException("snapshot holds more than " + TOMBSTONE + " revisions");
      }
      if (r.main() <= revision) {
        newest.put(r.key(), ordinal | (r.tombstone() ? TOMBSTONE : 0));
      }
    }
    // etcd's keep set: the newest revision of each key unless that is a deletion; is it empty?
    boolean anyLive = newest.anyValue(v -> (v & TOMBSTONE) == 0);
    CRC32C crc = new CRC32C();
    crc.update(KEY_BUCKET);
    ordinal = 0;
    for (Iterator<KeyRevision> it = content.revisions(); it.hasNext(); ordinal++) {
      KeyRevision r = it.next();
      if (r.main() > revision) {
        continue;
      }
      if (r.main() <= compactRevision && anyLive && newest.get(r.key()) != ordinal) {
        continue;
      }
      crc.update(r.rawKey());
      crc.update(r.rawValue());
    }
    return (int) crc.getValue();
  }
}
