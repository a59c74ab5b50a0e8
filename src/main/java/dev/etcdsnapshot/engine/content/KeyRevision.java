package dev.etcdsnapshot.engine.content;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.api.KeyValue;
import java.io.IOException;
import java.util.HexFormat;

/**
 * One entry of etcd's {@code key} bucket: the bbolt key is the revision (8-byte big-endian main revision, '_',
 * 8-byte big-endian sub revision, and a trailing 't' for a deletion), the value an mvcc {@code KeyValue} protobuf
 * (a deletion's holds only the key). The raw bytes are kept as read, so hashes over them match etcd's.
 */
public final class KeyRevision {

  private static final int REVISION_BYTES = 17;
  private static final int FIELD_KEY = 1;

  private final byte[] revisionKey;
  private final byte[] value;

  KeyRevision(byte[] revisionKey, byte[] value) {
    if ((revisionKey.length != REVISION_BYTES && revisionKey.length != REVISION_BYTES + 1)
        || revisionKey[8] != '_' || (revisionKey.length == REVISION_BYTES + 1 && revisionKey[17] != 't')) {
      throw new SnapshotFormatException("snapshot is corrupt: bucket 'key' holds " + HexFormat.of().formatHex(
          revisionKey) + ", which is not an etcd revision");
    }
    this.revisionKey = revisionKey;
    this.value = value;
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
    return revisionKey.length == REVISION_BYTES + 1;
  }

  /** The bbolt key exactly as stored (17 or 18 bytes). Do not modify. */
  public byte[] rawKey() {
    return revisionKey;
  }

  /** The stored protobuf exactly as stored. Do not modify. */
  public byte[] rawValue() {
    return value;
  }

  /** The etcd key this revision writes or deletes, read from the protobuf without decoding the rest. */
  public byte[] key() {
    try {
      CodedInputStream in = CodedInputStream.newInstance(value);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag >>> 3 == FIELD_KEY) {
          return in.readByteArray();
        }
        in.skipField(tag);
      }
    } catch (IOException e) {
      throw unreadable(e);
    }
    throw new SnapshotFormatException("snapshot is corrupt: revision " + main() + "_" + sub() + " has no key");
  }

  /** The whole mvcc {@code KeyValue}. */
  public KeyValue keyValue() {
    try {
      return KeyValue.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw unreadable(e);
    }
  }

  private SnapshotFormatException unreadable(IOException e) {
    return new SnapshotFormatException("snapshot is corrupt: revision " + main() + "_" + sub()
        + " does not hold a readable KeyValue (" + e.getMessage() + ")");
  }

  private long longAt(int offset) {
    long v = 0;
    for (int i = offset; i < offset + 8; i++) {
      v = (v << 8) | (revisionKey[i] & 0xff);
    }
    return v;
  }

  @Override
  public String toString() {
    return main() + "_" + sub() + (tombstone() ? "t" : "");
  }
}
