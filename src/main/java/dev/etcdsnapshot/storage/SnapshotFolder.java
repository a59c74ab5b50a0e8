package dev.etcdsnapshot.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A place snapshots are kept, listed, read and deleted: a node's snapshot directory ({@link SnapshotDirectory}) or
 * an S3 folder ({@link SnapshotStore}). Implementations own nothing of the naming rules; every path and key comes
 * from {@link SnapshotLayout}.
 */
public interface SnapshotFolder extends AutoCloseable {

  /** Local disk or S3. */
  StorageKind kind();

  /**
   * Every snapshot in the folder, metadata sidecars excluded, in no particular order, at the cost of the listing
   * alone: what a store keeps per object beside it (S3: the uploader, token hash and extra metadata) is left out.
   * Enough for showing names, sizes and times and for retention.
   */
  List<StoredSnapshot> list() throws IOException;

  /**
   * As {@link #list()}, with the uploader, token hash and extra metadata of every snapshot, for callers that
   * publish or print them. For S3 this costs a HEAD per object (and a GET per sidecar) that this process has not
   * read before; local stores have them in {@link #list()} already.
   */
  default List<StoredSnapshot> listDetailed() throws IOException {
    return list();
  }

  /**
   * Where a snapshot of this name is or would be stored ({@code file://...}, {@code s3://bucket/key}), whether it
   * exists or not: a failed upload's record names it, as k3s's does.
   */
  String locationOf(String fileName);

  /**
   * Whether this folder holds, under {@code fileName}, a copy proven to be {@code localFile} (S3: the upload's
   * read-back). The default trusts a listed snapshot of that name and size, enough for a folder that checks what
   * it writes.
   *
   * @throws IOException when the folder cannot tell
   */
  default boolean holdsCopyOf(String fileName, Path localFile) throws IOException {
    long size = java.nio.file.Files.size(localFile);
    return list().stream().anyMatch(s -> s.fileName().equals(fileName) && s.size() == size);
  }

  /**
   * Whether a listed snapshot is shaped like a whole snapshot, judged without its local copy (S3: a raw object's
   * size fits etcd's page-plus-trailer rule, a zip ends with its central directory). What is not intact never
   * counts towards retention. The default is true: a folder whose every write is verified.
   *
   * @throws IOException when the folder cannot tell
   */
  default boolean intact(StoredSnapshot listed) throws IOException {
    return true;
  }

  /** Opens a stored snapshot for reading; {@link java.nio.file.NoSuchFileException} when absent. */
  InputStream open(String fileName) throws IOException;

  /** Deletes the snapshot and its metadata sidecar; false when neither existed. */
  boolean delete(String fileName) throws IOException;

  @Override
  default void close() throws IOException {}
}
