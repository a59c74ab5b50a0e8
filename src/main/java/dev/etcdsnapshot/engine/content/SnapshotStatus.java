package dev.etcdsnapshot.engine.content;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * What {@code inspect} reports: the figures of {@code etcdctl snapshot status} (a CRC-32C over every bucket's name,
 * keys and values; the last revision; the number of entries in all buckets; the database size) computed the same
 * way, plus etcd's meta bucket and the Kubernetes objects alive at the snapshot's revision, counted per resource and
 * namespace.
 *
 * @param hash etcdctl's hash, as an unsigned 32-bit value
 * @param revision the main revision of the key bucket's last entry
 * @param totalKeys entries in all buckets, as etcdctl counts them
 * @param totalSize the database's size (pages in use times page size), trailer excluded
 * @param fileSize the snapshot's bytes (unzipped), trailer included
 * @param bolt the meta page used
 * @param etcd the meta bucket's values
 * @param liveKeys etcd keys alive at the revision
 * @param objects per resource, per namespace ({@code ""} for cluster-scoped), live objects under /registry/
 */
public record SnapshotStatus(long hash, long revision, long totalKeys, long totalSize, long fileSize, BoltMeta bolt,
    EtcdMeta etcd, long liveKeys, Map<String, Map<String, Long>> objects) {

  /** Walks the whole file once: structure check, etcdctl's figures and the inventory. */
  public static SnapshotStatus of(SnapshotContent content) {
    CRC32C crc = new CRC32C();
    long[] counters = new long[2]; // revision, total keys
    KeyTable live = new KeyTable();
    Map<String, Map<String, Long>> objects = new TreeMap<>();
    long[] liveKeys = new long[1];
    content.walk(new SnapshotContent.BucketVisitor() {
      @Override
      public void bucket(String name) {
        crc.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }

      @Override
      public void entry(String bucket, ByteBuffer key, ByteBuffer value) {
        crc.update(key);
        if (value != null) {
          crc.update(value);
        }
        counters[1]++;
        if (bucket.equals("key") && value != null) {
          KeyRevision r = new KeyRevision(key, value);
          counters[0] = r.main();
          liveKeys[0] += count(r, live, objects);
        }
      }
    });
    return new SnapshotStatus(crc.getValue(), counters[0], counters[1], content.boltMeta().databaseSize(),
        content.fileSize(), content.boltMeta(), content.etcdMeta(), liveKeys[0], objects);
  }

  /** +1 when the revision brings a key to life, -1 when it deletes a live one, and the inventory to match. */
  private static int count(KeyRevision r, KeyTable live, Map<String, Map<String, Long>> objects) {
    long key = r.keyFingerprint();
    boolean wasLive = live.get(key) == 1;
    if (r.tombstone() == !wasLive) {
      return 0; // an update of a live key, or a deletion of a dead one
    }
    live.put(key, r.tombstone() ? 0 : 1);
    int delta = r.tombstone() ? -1 : 1;
    RegistryKey object = RegistryKey.parse(r.key());
    if (object != null) {
      Map<String, Long> perNamespace = objects.computeIfAbsent(object.resource(), k -> new TreeMap<>());
      long n = perNamespace.getOrDefault(object.namespace(), 0L) + delta;
      if (n == 0) {
        perNamespace.remove(object.namespace());
        if (perNamespace.isEmpty()) {
          objects.remove(object.resource());
        }
      } else {
        perNamespace.put(object.namespace(), n);
      }
    }
    return delta;
  }

  /** etcdctl's hash as it prints it in a table: lower-case hex, no padding. */
  public String hashHex() {
    return Long.toHexString(hash);
  }
}
