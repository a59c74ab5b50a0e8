package dev.etcdsnapshot.engine.content;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.api.KeyValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.zip.Checksum;

/**
 * One entry of etcd's {@code key} bucket: the bbolt key is the revision (8-byte big-endian main revision, '_',
 * 8-byte big-endian sub revision, and a trailing 't' for a deletion), the value an mvcc {@code KeyValue} protobuf
 * (a deletion's holds only the key). The bytes are slices of the page the reader holds, read where they lie (valid
 * until the iteration that gave this revision moves on: a caller that keeps one keeps its copies, such as
 * {@link #rawValue()} or {@link #keyValue()}), so hashes over them match etcd's and reading the etcd key copies
 * nothing but the key.
 */
public final class KeyRevision {

  private static final int REVISION_BYTES = 17;
  private static final int FIELD_KEY = 1;
  private static final int LENGTH_DELIMITED = 2;

  private final ByteBuffer revisionKey;
  private final ByteBuffer value;
  private int keyOffset = -1;
  private int keyLength;

  KeyRevision(ByteBuffer revisionKey, ByteBuffer value) {
    int length = revisionKey.capacity();
    if ((length != REVISION_BYTES && length != REVISION_BYTES + 1) || revisionKey.get(8) != '_'
        || (length == REVISION_BYTES + 1 && revisionKey.get(17) != 't')) {
      throw new SnapshotFormatException("snapshot is corrupt: bucket 'key' holds "
          + HexFormat.of().formatHex(BucketCursor.bytes(revisionKey)) + ", which is not an etcd revision");
    }
    this.revisionKey = revisionKey;
    this.value = value.order(ByteOrder.LITTLE_ENDIAN);
  }

  KeyRevision(byte[] revisionKey, byte[] value) {
    this(ByteBuffer.wrap(revisionKey), ByteBuffer.wrap(value));
  }

  /** The main revision (the transaction). */
  public long main() {
    return longAt(0);
  }

  /** The sub revision (the change within the transaction). */
  public long sub() {
    return longAt(9);
  }

  /** Whether this revision deletes the key. */
  public boolean tombstone() {
    return revisionKey.capacity() == REVISION_BYTES + 1;
  }

  /** A copy of the bbolt key exactly as stored (17 or 18 bytes). */
  public byte[] rawKey() {
    return BucketCursor.bytes(revisionKey);
  }

  /** A copy of the stored protobuf exactly as stored. */
  public byte[] rawValue() {
    return BucketCursor.bytes(value);
  }

  /** Feeds the stored key and then the stored value to {@code checksum}, as etcd's HashKV does, without copying. */
  public void hashInto(Checksum checksum) {
    checksum.update(revisionKey.clear());
    checksum.update(value.clear());
  }

  /** The etcd key this revision writes or deletes, read from the protobuf without decoding the rest. */
  public byte[] key() {
    locateKey();
    byte[] key = new byte[keyLength];
    value.get(keyOffset, key);
    return key;
  }

  /** {@link KeyTable#fingerprint} of {@link #key()}, computed where the key lies. */
  long keyFingerprint() {
    locateKey();
    return KeyTable.fingerprint(value, keyOffset, keyLength);
  }

  /** {@link KeyTable#fingerprint} of the etcd key's first {@code length} bytes, computed where they lie. */
  long keyFingerprint(int length) {
    locateKey();
    return KeyTable.fingerprint(value, keyOffset, Math.min(length, keyLength));
  }

  /** Where the etcd key's last {@code '/'} is (its parent's length), or -1 when it has none. */
  int keyLastSlash() {
    locateKey();
    for (int i = keyLength - 1; i >= 0; i--) {
      if (value.get(keyOffset + i) == '/') {
        return i;
      }
    }
    return -1;
  }

  /** A copy of the etcd key's first {@code length} bytes. */
  byte[] keyPrefix(int length) {
    locateKey();
    byte[] prefix = new byte[Math.min(length, keyLength)];
    value.get(keyOffset, prefix);
    return prefix;
  }

  /** Whether the etcd key starts with {@code prefix}, compared where it lies. */
  public boolean keyStartsWith(byte[] prefix) {
    locateKey();
    if (keyLength < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (value.get(keyOffset + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Finds field 1 (bytes) on the wire: tags and lengths are varints; other fields are skipped by wire type. */
  private void locateKey() {
    if (keyOffset >= 0) {
      return;
    }
    int end = value.capacity();
    int at = 0;
    long[] varint = new long[1];
    while (at < end) {
      at = varint(at, end, varint);
      long tag = varint[0];
      int wireType = (int) (tag & 7);
      switch (wireType) {
        case 0 -> at = varint(at, end, varint);
        case 1 -> at += 8;
        case 5 -> at += 4;
        case LENGTH_DELIMITED -> {
          at = varint(at, end, varint);
          if (varint[0] < 0 || varint[0] > end - at) {
            throw unreadable("a field runs past the value's end");
          }
          if (tag >>> 3 == FIELD_KEY) {
            keyOffset = at;
            keyLength = (int) varint[0];
            return;
          }
          at += (int) varint[0];
        }
        default -> throw unreadable("wire type " + wireType + " is not one KeyValue uses");
      }
      if (at > end) {
        throw unreadable("a field runs past the value's end");
      }
    }
    throw new SnapshotFormatException("snapshot is corrupt: revision " + main() + "_" + sub() + " has no key");
  }

  private int varint(int at, int end, long[] out) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at >= end) {
        throw unreadable("a varint runs past the value's end");
      }
      byte b = value.get(at++);
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        out[0] = result;
        return at;
      }
    }
    throw unreadable("a varint is longer than 10 bytes");
  }

  /** The whole mvcc {@code KeyValue}. */
  public KeyValue keyValue() {
    try {
      return KeyValue.parseFrom(value.clear());
    } catch (InvalidProtocolBufferException e) {
      throw unreadable(e.getMessage());
    }
  }

  private SnapshotFormatException unreadable(String why) {
    return new SnapshotFormatException("snapshot is corrupt: revision " + main() + "_" + sub()
        + " does not hold a readable KeyValue (" + why + ")");
  }

  private long longAt(int offset) {
    long v = 0;
    for (int i = offset; i < offset + 8; i++) {
      v = (v << 8) | (revisionKey.get(i) & 0xff);
    }
    return v;
  }

  @Override
  public String toString() {
    return main() + "_" + sub() + (tombstone() ? "t" : "");
  }
}
