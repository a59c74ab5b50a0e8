package dev.etcdsnapshot.engine.objects;

import io.etcd.jetcd.api.KeyValue;
import java.io.IOException;

/**
 * Every revision in an etcd snapshot's {@code key} bucket, in any order: what the objects of a snapshot are read
 * from. The snapshot reader provides it; tests build it from lists.
 */
@FunctionalInterface
public interface KeyRevisions {

  /** Calls {@code visitor} once per stored revision. */
  void forEach(Visitor visitor) throws IOException;

  /** One stored revision. */
  @FunctionalInterface
  interface Visitor {

    /**
     * A revision of {@code kv.getKey()}: {@code main}/{@code sub} are the bucket key's revision; a tombstone (the
     * key's deletion) carries the key only.
     */
    void revision(long main, long sub, boolean tombstone, KeyValue kv) throws IOException;
  }
}
