package dev.etcdsnapshot.engine.content;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one piece of per-key state a snapshot walk needs (the key bucket is ordered by revision, not by key): an
 * open-addressing table from a 64-bit fingerprint of the etcd key to an int. 12 bytes a slot, at most 2/3 full, so
 * about 18 bytes per distinct key whatever the values weigh. Two keys sharing a 64-bit fingerprint (odds about
 * n²/2⁶⁵, 3·10⁻⁸ for a million keys) would be merged; for a content proof that can only make the hashes differ, never
 * agree falsely.
 */
final class KeyTable {

  static final int ABSENT = Integer.MIN_VALUE;

  private long[] fingerprints = new long[1024];
  private int[] values = new int[1024];
  private boolean[] used = new boolean[1024];
  private int size;

  int get(byte[] key) {
    return get(fingerprint(key));
  }

  /** The value of the key whose {@link #fingerprint} is {@code fp}, or {@link #ABSENT}. */
  int get(long fp) {
    int mask = fingerprints.length - 1;
    for (int i = mix(fp) & mask; used[i]; i = (i + 1) & mask) {
      if (fingerprints[i] == fp) {
        return values[i];
      }
    }
    return ABSENT;
  }

  void put(byte[] key, int value) {
    put(fingerprint(key), value);
  }

  /** Sets the value of the key whose {@link #fingerprint} is {@code fp}. */
  void put(long fp, int value) {
    if ((size + 1) * 3L > fingerprints.length * 2L) {
      grow();
    }
    insert(fp, value);
  }

  boolean anyValue(java.util.function.IntPredicate test) {
    for (int i = 0; i < used.length; i++) {
      if (used[i] && test.test(values[i])) {
        return true;
      }
    }
    return false;
  }

  int size() {
    return size;
  }

  private void insert(long fp, int value) {
    int mask = fingerprints.length - 1;
    int i = mix(fp) & mask;
    while (used[i] && fingerprints[i] != fp) {
      i = (i + 1) & mask;
    }
    if (!used[i]) {
      used[i] = true;
      fingerprints[i] = fp;
      size++;
    }
    values[i] = value;
  }

  private void grow() {
    long[] oldFp = fingerprints;
    int[] oldValues = values;
    boolean[] oldUsed = used;
    fingerprints = new long[oldFp.length * 2];
    values = new int[oldFp.length * 2];
    used = new boolean[oldFp.length * 2];
    size = 0;
    for (int i = 0; i < oldFp.length; i++) {
      if (oldUsed[i]) {
        insert(oldFp[i], oldValues[i]);
      }
    }
  }

  private static int mix(long fp) {
    return (int) (fp ^ (fp >>> 32));
  }

  /** A 64-bit hash of the key: one lane of MurmurHash3 x64 over little-endian 8-byte words and the tail. */
  static long fingerprint(byte[] key) {
    return fingerprint(ByteBuffer.wrap(key), 0, key.length);
  }

  /** The same over {@code length} bytes of {@code buffer} from {@code offset}, read where they lie. */
  static long fingerprint(ByteBuffer buffer, int offset, int length) {
    boolean little = buffer.order() == ByteOrder.LITTLE_ENDIAN;
    long h = 0x9E3779B97F4A7C15L;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      long word = buffer.getLong(offset + i);
      h = round(h, little ? word : Long.reverseBytes(word));
    }
    if (i < length) {
      long tail = 0;
      for (int b = length - 1; b >= i; b--) {
        tail = (tail << 8) | (buffer.get(offset + b) & 0xff);
      }
      h = round(h, tail);
    }
    return fmix(h ^ length);
  }

  private static long round(long h, long word) {
    long k = Long.rotateLeft(word * 0x87c37b91114253d5L, 31) * 0x4cf5ad432745937fL;
    return Long.rotateLeft(h ^ k, 27) * 5 + 0x52dce729;
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
