package dev.etcdsnapshot.storage.s3;

import dev.etcdsnapshot.storage.SnapshotLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Proves that an object is the local snapshot file it was uploaded from, at the cost of a HEAD and one or two
 * small ranged GETs, whatever the size: the object's length must be the file's; its last 32 bytes, etcd's SHA-256
 * trailer of a raw snapshot, must be the file's; for a zip, its local file header and its tail from the data
 * descriptor to the end (the entry's CRC and sizes, the central directory) must be the file's. Where the store
 * returns a full-object SHA-256 ({@code x-amz-checksum-sha256}, ours on a single PUT to AWS), it must be the file's.
 * The aws-chunked framing of issue 9 changes the length and the tail, so it can never pass.
 */
final class S3ReadBack {

  private static final int TRAILER = 32;
  private static final int EOCD = 22;
  private static final int EOCD_SIGNATURE = 0x06054b50;
  private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
  private static final int LOCAL_HEADER_SIGNATURE = 0x04034b50;
  /** The data descriptor before the central directory, Zip64 form (signature, CRC, two 8-byte sizes). */
  private static final int DESCRIPTOR = 24;

  private final S3Client s3;
  private final String bucket;

  S3ReadBack(S3Client s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  /**
   * What differs between the object and the file, or empty when it is the file.
   *
   * @param sha256 the hex SHA-256 of the file, compared with a full-object checksum the store returns; may be null
   * @throws RuntimeException (SDK) or IOException when the object cannot be read: the caller cannot tell
   */
  Optional<String> mismatch(String key, Path file, long size, String sha256) throws IOException {
    HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
    long length = head.contentLength() == null ? -1 : head.contentLength();
    if (length != size) {
      return Optional.of("the object is " + length + " bytes, the snapshot " + size);
    }
    String stored = head.checksumSHA256();
    if (sha256 != null && stored != null && head.checksumType() != ChecksumType.COMPOSITE && !stored.contains("-")) {
      String local = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256));
      if (!stored.equals(local)) {
        return Optional.of("the object's SHA-256 is " + stored + ", the snapshot's " + local);
      }
    }
    for (long[] range : ranges(file, size, key.endsWith(SnapshotLayout.ZIP_SUFFIX))) {
      byte[] expected = read(file, range[0], (int) (range[1] - range[0]));
      byte[] actual;
      try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(key)
          .range("bytes=" + range[0] + "-" + (range[1] - 1)))) {
        actual = in.readNBytes(expected.length + 1);
      }
      if (!Arrays.equals(expected, actual)) {
        return Optional.of("bytes " + range[0] + " to " + (range[1] - 1) + " of the object differ from the snapshot's");
      }
    }
    return Optional.empty();
  }

  /** Whether an object of {@code size} bytes ends with a zip's end-of-central-directory record (one ranged GET). */
  boolean endsLikeZip(String key, long size) throws IOException {
    if (size < EOCD + 30) {
      return false;
    }
    byte[] end;
    try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(key).range("bytes=" + (size - EOCD) + "-"))) {
      end = in.readNBytes(EOCD + 1);
    }
    if (end.length != EOCD || le(end).getInt(0) != EOCD_SIGNATURE) {
      return false;
    }
    long centralSize = le(end).getInt(12) & 0xFFFFFFFFL;
    long centralStart = le(end).getInt(16) & 0xFFFFFFFFL;
    // Zip64 moves both into its own record; the plain record then holds 0xFFFFFFFF.
    return centralStart == 0xFFFFFFFFL || centralStart + centralSize + EOCD == size;
  }

  /**
   * The byte ranges {@code [start, end)} to compare: the trailer of a raw snapshot; for a zip its local header and
   * its tail from the data descriptor on. A file named {@code .zip} that is not a zip gets the raw check.
   */
  static List<long[]> ranges(Path file, long size, boolean zip) throws IOException {
    List<long[]> ranges = new ArrayList<>();
    if (size == 0) {
      return ranges;
    }
    if (zip) {
      Optional<long[]> zipRanges = zipRanges(file, size);
      if (zipRanges.isPresent()) {
        long[] r = zipRanges.get();
        ranges.add(new long[] {0, r[0]});
        ranges.add(new long[] {r[1], size});
        return ranges;
      }
    }
    ranges.add(new long[] {Math.max(0, size - TRAILER), size});
    return ranges;
  }

  /** {local header length, tail start} of a comment-less zip (ours, k3s's), or empty when it is not one. */
  private static Optional<long[]> zipRanges(Path file, long size) throws IOException {
    if (size < EOCD + 30) {
      return Optional.empty();
    }
    ByteBuffer end = le(read(file, size - EOCD, EOCD));
    if (end.getInt(0) != EOCD_SIGNATURE) {
      return Optional.empty();
    }
    long centralStart = end.getInt(16) & 0xFFFFFFFFL;
    if (centralStart == 0xFFFFFFFFL && size >= EOCD + 20 + 56) {
      ByteBuffer locator = le(read(file, size - EOCD - 20, 20));
      if (locator.getInt(0) != ZIP64_LOCATOR_SIGNATURE) {
        return Optional.empty();
      }
      long zip64End = locator.getLong(8);
      if (zip64End < 0 || zip64End + 56 > size) {
        return Optional.empty();
      }
      centralStart = le(read(file, zip64End, 56)).getLong(48);
    }
    ByteBuffer local = le(read(file, 0, 30));
    if (local.getInt(0) != LOCAL_HEADER_SIGNATURE || centralStart <= 0 || centralStart > size) {
      return Optional.empty();
    }
    long headerLength = 30L + (local.getShort(26) & 0xFFFF) + (local.getShort(28) & 0xFFFF);
    return Optional.of(new long[] {Math.min(headerLength, size), Math.max(0, centralStart - DESCRIPTOR)});
  }

  private static byte[] read(Path file, long offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (b.hasRemaining()) {
        if (ch.read(b, offset + b.position()) < 0) {
          throw new IOException(file + " ended at " + (offset + b.position()) + " bytes while it was checked");
        }
      }
    }
    return b.array();
  }

  private static ByteBuffer le(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The hex SHA-256 of a file, for the object's {@code etcd-snapshot-sha256} when the caller has none. */
  static String sha256(Path file) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // digesting
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
