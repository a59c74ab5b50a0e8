package dev.etcdsnapshot.engine.content;

/**
 * The bbolt meta page a reader uses: the valid one of the two with the higher transaction id.
 *
 * @param page 0 or 1, the meta page chosen
 * @param pageSize bytes per page
 * @param txid the transaction the file was written at
 * @param rootPage the root bucket's page
 * @param freelistPage the free list's page, or {@link #NO_FREELIST} (etcd does not sync one)
 * @param highWaterMark pages in use: the database is {@code highWaterMark * pageSize} bytes
 */
public record BoltMeta(int page, int pageSize, long txid, long rootPage, long freelistPage, long highWaterMark) {

  /** bbolt's marker for "no free list written". */
  public static final long NO_FREELIST = -1L;

  /** The database's size without etcd's trailer, as {@code etcdctl snapshot status} reports it. */
  public long databaseSize() {
    return highWaterMark * pageSize;
  }
}
