package dev.etcdsnapshot.storage.s3;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this process has learnt about S3 object versions (user metadata from HEAD, sidecar content from GET),
 * shared by every store: an object version never changes (a rewrite gets a new ETag), so the answer can be kept
 * for as long as the process lives, and a store opened afresh for each operation (the operator does so, to pick
 * up a rotated Secret) still lists a big folder without one request per object. Bounded, least recently used out.
 */
final class ObjectCache<V> {

  private final Map<String, V> entries;

  ObjectCache(int maxEntries) {
    this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** The key of one object version in one bucket of one endpoint; {@code variant} separates readings of it. */
  static String key(String endpoint, String bucket, String objectKey, String eTag, String variant) {
    return endpoint + '\n' + bucket + '\n' + objectKey + '\n' + eTag + '\n' + variant;
  }

  synchronized V get(String key) {
    return entries.get(key);
  }

  synchronized void put(String key, V value) {
    entries.put(key, value);
  }

  synchronized int size() {
    return entries.size();
  }
}
