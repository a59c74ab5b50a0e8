package dev.etcdsnapshot.storage;

import java.nio.file.Path;

/**
 * The one place that knows where snapshots and their metadata live, on disk and in S3 (k3s-compat §5).
 * Stores and the engine ask it; nothing else builds a path or key.
 */
public final class SnapshotLayout {

  /** The name of the metadata folder: a sibling of the snapshot directory, and a sub-folder of the S3 folder. */
  public static final String METADATA_DIR = ".metadata";

  /** The suffix of a snapshot being written. */
  public static final String PART_SUFFIX = ".part";

  /** The suffix of a compressed snapshot. */
  public static final String ZIP_SUFFIX = ".zip";

  private SnapshotLayout() {}

  /** {@code <dir>/<fileName>}. */
  public static Path localFile(Path dir, String fileName) {
    return dir.resolve(fileName);
  }

  /** {@code <dir>/<fileName>.part}, the file a snapshot is streamed into before it is verified. */
  public static Path partFile(Path dir, String fileName) {
    return dir.resolve(fileName + PART_SUFFIX);
  }

  /** {@code <dir>/../.metadata/<fileName>}: k3s keeps the metadata folder beside the snapshot directory. */
  public static Path localMetadataFile(Path dir, String fileName) {
    Path abs = dir.toAbsolutePath().normalize();
    Path parent = abs.getParent() == null ? abs : abs.getParent();
    return parent.resolve(METADATA_DIR).resolve(fileName);
  }

  /**
   * {@code <dir>/../.metadata/.lock-<node>}: the file that serialises saves of one node across processes. It sits
   * beside the metadata sidecars, never inside the snapshot directory, where every file is listed as a snapshot.
   */
  public static Path localLockFile(Path dir, String nodeName) {
    return localMetadataFile(dir, ".lock-" + nodeName);
  }

  /** {@code file://<absolute path>}. */
  public static String localLocation(Path file) {
    return "file://" + file.toAbsolutePath().normalize();
  }

  /** {@code <folder>/<fileName>}, or {@code <fileName>} without a folder; slashes around the folder are trimmed. */
  public static String s3Key(String folder, String fileName) {
    String f = s3Folder(folder);
    return f.isEmpty() ? fileName : f + "/" + fileName;
  }

  /** {@code <folder>/.metadata/<fileName>}. */
  public static String s3MetadataKey(String folder, String fileName) {
    return s3Key(s3Key(folder, METADATA_DIR), fileName);
  }

  /**
   * The listing prefix of a folder: {@code <folder>/}, or empty for the bucket root. With the trailing slash, folder
   * {@code a} does not also match {@code ab/...} (k3s uses the folder as a raw prefix, k3s-compat §7.3).
   */
  public static String s3Prefix(String folder) {
    String f = s3Folder(folder);
    return f.isEmpty() ? "" : f + "/";
  }

  /** {@code s3://<bucket>/<key>}. */
  public static String s3Location(String bucket, String key) {
    return "s3://" + bucket + "/" + key;
  }

  /** The base name of an object key: the snapshot's file name. */
  public static String s3FileName(String key) {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  /**
   * The folder as k3s's {@code path.Join(folder, name)} leaves it (Go's {@code path.Clean}): {@code //} collapses,
   * {@code .} segments go, {@code a/..} cancels, a trailing {@code /} goes. A leading {@code /} is dropped too:
   * k3s would send the key {@code /folder/name}, which self-hosted servers store without the slash (AWS keeps it,
   * operator/docs/s3.md). {@code S3Settings} refuses a folder whose {@code ..} climbs above the bucket root.
   */
  public static String s3Folder(String folder) {
    if (folder == null || folder.isEmpty()) {
      return "";
    }
    java.util.ArrayDeque<String> kept = new java.util.ArrayDeque<>();
    for (String segment : folder.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..") && !kept.isEmpty() && !kept.peekLast().equals("..")) {
        kept.removeLast();
      } else if (segment.equals("..") && folder.startsWith("/")) {
        continue; // Clean("/..") is "/": a rooted path cannot climb
      } else {
        kept.addLast(segment);
      }
    }
    return String.join("/", kept);
  }
}
