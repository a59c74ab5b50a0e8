package dev.etcdsnapshot.engine.file;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The records of a zip with one Deflate entry whose CRC and sizes follow its data (PKWARE APPNOTE 4.3): a local
 * header, the data descriptor, the central directory header, the Zip64 end records when a size or offset needs
 * them, and the end of central directory. Laid out as Java's and Go's zip writers lay out a streamed entry;
 * {@link SnapshotZipWriter} writes the data between them.
 */
final class SingleEntryZipRecords {

  static final long ZIP64_LIMIT = 0xFFFFFFFFL;
  private static final int FLAG_DATA_DESCRIPTOR = 0x08;
  private static final int METHOD_DEFLATED = 8;
  private static final int VERSION_DEFLATE = 20;
  private static final int VERSION_ZIP64 = 45;
  private static final int MADE_BY_UNIX = 3 << 8;
  /** A regular file, mode 0600, in the high half of the external attributes (as Info-ZIP and Go record it). */
  private static final long UNIX_FILE_0600 = 0100600L << 16;
  private static final int EXTENDED_TIMESTAMP = 0x5455;

  private SingleEntryZipRecords() {}

  static byte[] localHeader(byte[] name, long dosTime, long mtime) {
    ByteBuffer b = le(30 + name.length + 9);
    b.putInt(0x04034b50).putShort((short) VERSION_DEFLATE).putShort((short) FLAG_DATA_DESCRIPTOR)
        .putShort((short) METHOD_DEFLATED).putInt((int) dosTime)
        .putInt(0).putInt(0).putInt(0) // CRC and sizes follow the data, in the data descriptor
        .putShort((short) name.length).putShort((short) 9).put(name);
    putExtendedTimestamp(b, mtime);
    return b.array();
  }

  static byte[] dataDescriptor(long crc, long compressed, long size, boolean zip64) {
    ByteBuffer b = le(zip64 ? 24 : 16);
    b.putInt(0x08074b50).putInt((int) crc);
    if (zip64) {
      b.putLong(compressed).putLong(size);
    } else {
      b.putInt((int) compressed).putInt((int) size);
    }
    return b.array();
  }

  static byte[] centralHeader(byte[] name, long dosTime, long mtime, long crc, long compressed, long size,
      boolean zip64) {
    int zip64Extra = zip64 ? 4 + 24 : 0;
    ByteBuffer b = le(46 + name.length + 9 + zip64Extra);
    int version = zip64 ? VERSION_ZIP64 : VERSION_DEFLATE;
    b.putInt(0x02014b50).putShort((short) (MADE_BY_UNIX | version)).putShort((short) version)
        .putShort((short) FLAG_DATA_DESCRIPTOR).putShort((short) METHOD_DEFLATED).putInt((int) dosTime)
        .putInt((int) crc)
        .putInt(zip64 ? -1 : (int) compressed).putInt(zip64 ? -1 : (int) size)
        .putShort((short) name.length).putShort((short) (9 + zip64Extra)).putShort((short) 0) // no comment
        .putShort((short) 0).putShort((short) 0) // disk 0, no internal attributes
        .putInt((int) UNIX_FILE_0600)
        .putInt(zip64 ? -1 : 0) // the local header is at offset 0
        .put(name);
    putExtendedTimestamp(b, mtime);
    if (zip64) {
      b.putShort((short) 0x0001).putShort((short) 24).putLong(size).putLong(compressed).putLong(0);
    }
    return b.array();
  }

  static byte[] zip64EndRecord(long centralSize, long centralStart) {
    ByteBuffer b = le(56);
    b.putInt(0x06064b50).putLong(44).putShort((short) (MADE_BY_UNIX | VERSION_ZIP64))
        .putShort((short) VERSION_ZIP64).putInt(0).putInt(0).putLong(1).putLong(1)
        .putLong(centralSize).putLong(centralStart);
    return b.array();
  }

  static byte[] zip64Locator(long zip64End) {
    ByteBuffer b = le(20);
    b.putInt(0x07064b50).putInt(0).putLong(zip64End).putInt(1);
    return b.array();
  }

  static byte[] endRecord(long centralSize, long centralStart, boolean zip64) {
    ByteBuffer b = le(22);
    b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
        .putInt((int) centralSize).putInt(zip64 ? -1 : (int) centralStart).putShort((short) 0);
    return b.array();
  }

  /** Info-ZIP's extended timestamp (modification time only): the exact second in UTC, beside the DOS time. */
  private static void putExtendedTimestamp(ByteBuffer b, long mtime) {
    b.putShort((short) EXTENDED_TIMESTAMP).putShort((short) 5).put((byte) 1).putInt((int) mtime);
  }

  /** MS-DOS date and time in UTC (2-second precision, clamped to 1980, where DOS time starts). */
  static long dosTime(Instant time) {
    LocalDateTime t = LocalDateTime.ofInstant(time, ZoneOffset.UTC);
    if (t.getYear() < 1980) {
      return (1 << 21) | (1 << 16);
    }
    return ((long) (t.getYear() - 1980) << 25) | ((long) t.getMonthValue() << 21) | ((long) t.getDayOfMonth() << 16)
        | ((long) t.getHour() << 11) | ((long) t.getMinute() << 5) | (t.getSecond() >> 1);
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
