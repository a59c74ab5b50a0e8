package dev.etcdsnapshot.engine.content;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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

  /**
   * Reads the whole file: the structure walk with etcdctl's figures on this thread and, on a second one at the same
   * time, the key bucket's live keys and objects ({@link LiveObjects}).
   */
  public static SnapshotStatus of(SnapshotContent content) {
    CRC32C crc = new CRC32C();
    long[] totalKeys = new long[1];
    LiveObjects live = new LiveObjects(content);
    Thread thread = live.start();
    try {
      content.walk(new SnapshotContent.BucketVisitor() {
        @Override
        public void bucket(String name) {
          crc.update(name.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void entry(String bucket, ByteBuffer key, ByteBuffer value) {
          crc.update(key);
          if (value != null) {
            crc.update(value);
          }
          totalKeys[0]++;
        }
      });
    } catch (RuntimeException e) {
      live.cancel(thread);
      throw e;
    }
    live.await(thread);
    return new SnapshotStatus(crc.getValue(), live.revision(), totalKeys[0], content.boltMeta().databaseSize(),
        content.fileSize(), content.boltMeta(), content.etcdMeta(), live.liveKeys(), live.objects());
  }

  /** etcdctl's hash as it prints it in a table: lower-case hex, no padding. */
  public String hashHex() {
    return Long.toHexString(hash);
  }
}
