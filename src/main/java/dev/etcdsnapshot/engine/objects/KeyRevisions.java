package dev.etcdsnapshot.engine.objects;

import io.etcd.jetcd.api.KeyValue;
import java.io.IOException;

/**
 * Every revision in an etcd snapshot's {@code key} bucket, in any order: what the objects of a snapshot are read
 * from. {@link SnapshotFileKeys} reads them from a snapshot file; tests build them from lists.
 */
@FunctionalInterface
public interface KeyRevisions {

  /** Calls {@code visitor} once per stored revision. */
  void forEach(Visitor visitor) throws IOException;

  /** One stored revision, as the snapshot reader's {@code KeyRevision} offers it. */
  interface Revision {

    /** The main revision (the transaction). */
    long main();

    /** The sub revision within it. */
    long sub();

    /** Whether this revision deletes the key; a tombstone's KeyValue carries the key only. */
    boolean tombstone();

    /** The etcd key, read without decoding the value (the fold skips most revisions on this alone). */
    byte[] key();

    /** The whole mvcc KeyValue. */
    KeyValue keyValue();
  }

  /** Receives each revision. */
  @FunctionalInterface
  interface Visitor {
    void revision(Revision revision) throws IOException;
  }
}
