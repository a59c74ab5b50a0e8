package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.SnapshotLayout;
import dev.etcdsnapshot.storage.StorageKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * k3s's naming rules as pure string functions: snapshot file names, the time inside them, the
 * {@code ETCDSnapshotFile} object name and the legacy key (k3s-compat §2, §5.1).
 */
public final class SnapshotNames {

  /** The name prefix of scheduled snapshots. */
  public static final String SCHEDULED_PREFIX = "etcd-snapshot";

  /** The name prefix of on-demand snapshots; never pruned automatically. */
  public static final String ON_DEMAND_PREFIX = "on-demand";

  /** Longest file name most Linux file systems accept, in bytes. */
  private static final int MAX_FILE_NAME_BYTES = 255;

  /** What a saved name may add to prefix and node: two dashes, 10+ digits, {@code .zip.part}. */
  private static final int RESERVED_NAME_BYTES = 2 + 11 + 9;

  // Letters, digits, '.', '_' and '-', starting with a letter or digit: safe in a path, a URL and an S3 key,
  // and it rules out "..", hidden files and option-looking names.
  private static final Pattern SAFE_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private static final int DNS1123_SUBDOMAIN_MAX = 253;

  /** len("local-") + "-" + 6 hex: what an object name adds to the file name. */
  private static final int OBJECT_NAME_OVERHEAD = 13;

  private static final Pattern LEGACY_KEY_INVALID = Pattern.compile("[^-._a-zA-Z0-9]");

  private SnapshotNames() {}

  /**
   * {@code <prefix>-<node>-<unix seconds>}, the time being the clock's wall time rounded to the nearest second
   * (as Go's {@code time.Round(time.Second)}: a half second rounds up).
   */
  public static String fileName(String prefix, String nodeName, Clock clock) {
    return fileName(prefix, nodeName, roundToSecond(clock.instant()));
  }

  /** {@code <prefix>-<node>-<unix seconds of time>}; prefix and node are validated first. */
  public static String fileName(String prefix, String nodeName, Instant time) {
    requireValidPrefix(prefix);
    requireValidNodeName(nodeName);
    return prefix + "-" + nodeName + "-" + time.getEpochSecond();
  }

  /** The instant rounded to the nearest whole second, a half second rounding up. */
  public static Instant roundToSecond(Instant time) {
    long seconds = time.getEpochSecond() + (time.getNano() >= 500_000_000 ? 1 : 0);
    return Instant.ofEpochSecond(seconds);
  }

  /**
   * The time in a snapshot file name: a trailing {@code .zip} stripped, the text after the last {@code -} read as
   * base-10 unix seconds; empty when that is not a number (the caller then uses the file's mtime).
   */
  public static Optional<Instant> parseTimestamp(String fileName) {
    String base = fileName.endsWith(SnapshotLayout.ZIP_SUFFIX)
        ? fileName.substring(0, fileName.length() - SnapshotLayout.ZIP_SUFFIX.length())
        : fileName;
    String digits = base.substring(base.lastIndexOf('-') + 1);
    try {
      return Optional.of(Instant.ofEpochSecond(Long.parseLong(digits, 10)));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return Optional.empty();
    }
  }

  /**
   * True when {@code fileName} is exactly {@code <prefix>-<node>-<digits>} or that with {@code .zip}: the name
   * k3s and this engine give a snapshot of that node (k3s-compat §5.1). Per-node S3 retention counts a node's
   * snapshots by this rule, so it needs no request per object to learn who uploaded them.
   */
  public static boolean isSnapshotOf(String fileName, String prefix, String nodeName) {
    String base = fileName.endsWith(SnapshotLayout.ZIP_SUFFIX)
        ? fileName.substring(0, fileName.length() - SnapshotLayout.ZIP_SUFFIX.length())
        : fileName;
    String head = prefix + "-" + nodeName + "-";
    if (!base.startsWith(head) || base.length() == head.length()) {
      return false;
    }
    for (int i = head.length(); i < base.length(); i++) {
      if (base.charAt(i) < '0' || base.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Refuses a snapshot name prefix that is not a safe file name, naming it in the message. */
  public static void requireValidPrefix(String prefix) {
    requireSafe("snapshot name", prefix);
  }

  /** Refuses a node name that is not a safe file name part, naming it in the message. */
  public static void requireValidNodeName(String nodeName) {
    requireSafe("node name", nodeName);
  }

  /**
   * Refuses a snapshot file name given by a user (delete, verify) that could leave the snapshot directory or is not
   * a plain file name.
   */
  public static void requireValidFileName(String fileName) {
    if (fileName == null || fileName.isEmpty() || !SAFE_PART.matcher(fileName).matches()
        || fileName.getBytes(StandardCharsets.UTF_8).length > MAX_FILE_NAME_BYTES) {
      throw new IllegalArgumentException("invalid snapshot file name \"" + printable(fileName)
          + "\": use a plain file name of letters, digits, '.', '_' and '-'");
    }
  }

  private static void requireSafe(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (!SAFE_PART.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid " + what + " \"" + printable(value)
          + "\": it must start with a letter or digit and contain only letters, digits, '.', '_' and '-'");
    }
    if (value.length() > (MAX_FILE_NAME_BYTES - RESERVED_NAME_BYTES) / 2) {
      throw new IllegalArgumentException("invalid " + what + " \"" + printable(value) + "\": longer than "
          + (MAX_FILE_NAME_BYTES - RESERVED_NAME_BYTES) / 2 + " characters");
    }
  }

  private static String printable(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    value.codePoints().limit(80).forEach(c -> b.append(Character.isISOControl(c) ? '?' : (char) c));
    return b.toString();
  }

  /**
   * The {@code ETCDSnapshotFile} object name k3s gives a snapshot (k3s-compat §2).
   *
   * @param kind local or S3
   * @param fileName the snapshot's file name, with {@code .zip} when compressed
   * @param sourceNode the uploader recorded in S3 metadata, or the node holding a local file; may be empty
   * @param storageNode the storage node label value: {@code s3} for S3, the node name for local files
   * @param location {@code file://...}, {@code s3://...}, or empty for a failed local save
   * @param createdAt the snapshot's creation time
   */
  public static String objectName(
      StorageKind kind, String fileName, String sourceNode, String storageNode, String location, Instant createdAt) {
    String node = sourceNode == null || sourceNode.isEmpty() ? storageNode : sourceNode;
    String hex6 = sha256Hex(node + (location == null ? "" : location)).substring(0, 6);
    String base = fileName.toLowerCase(Locale.ROOT);
    if (!isDns1123Subdomain(base) || base.length() + OBJECT_NAME_OVERHEAD > DNS1123_SUBDOMAIN_MAX) {
      int dot = node.indexOf('.');
      String shortNode = dot < 0 ? node : node.substring(0, dot);
      base = SCHEDULED_PREFIX + "-" + shortNode + "-" + createdAt.getEpochSecond()
          + (fileName.endsWith(SnapshotLayout.ZIP_SUFFIX) ? SnapshotLayout.ZIP_SUFFIX : "");
    }
    return kind.prefix() + "-" + base + "-" + hex6;
  }

  /**
   * k3s's legacy key: {@code local-} or {@code s3-} and the file name with every character outside
   * {@code [-._a-zA-Z0-9]} replaced by {@code _}; the join key of reconciles and the item name of {@code ls -o json}.
   */
  public static String legacyKey(StorageKind kind, String fileName) {
    return kind.prefix() + "-" + LEGACY_KEY_INVALID.matcher(fileName).replaceAll("_");
  }

  static boolean isDns1123Subdomain(String value) {
    return value.length() <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.matcher(value).matches();
  }

  private static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
