package dev.etcdsnapshot.engine.objects;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KeyValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A key bucket written as etcd's mvcc writes one, for unit tests: each put or delete is a new main revision, with
 * create revision and version kept per key; a delete is a tombstone carrying the key only.
 */
final class RevisionLog implements KeyRevisions {

  private record Stored(long main, long sub, boolean tombstone, KeyValue keyValue) implements Revision {
    @Override
    public byte[] key() {
      return keyValue.getKey().toByteArray();
    }
  }

  private final List<Stored> revisions = new ArrayList<>();
  private final Map<String, KeyValue> live = new HashMap<>();
  private long revision = 1;
  private Long shuffleSeed;

  RevisionLog put(String key, byte[] value) {
    revision++;
    KeyValue previous = live.get(key);
    KeyValue kv = KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFrom(value))
        .setCreateRevision(previous == null ? revision : previous.getCreateRevision()).setModRevision(revision)
        .setVersion(previous == null ? 1 : previous.getVersion() + 1).build();
    live.put(key, kv);
    revisions.add(new Stored(revision, 0, false, kv));
    return this;
  }

  RevisionLog delete(String key) {
    revision++;
    live.remove(key);
    revisions.add(new Stored(revision, 0, true, KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key)).build()));
    return this;
  }

  /** Hands the revisions out in a shuffled order, to show the fold does not depend on it. */
  RevisionLog shuffled(long seed) {
    shuffleSeed = seed;
    return this;
  }

  @Override
  public void forEach(Visitor visitor) throws IOException {
    List<Stored> order = new ArrayList<>(revisions);
    if (shuffleSeed != null) {
      Collections.shuffle(order, new Random(shuffleSeed));
    }
    for (Stored s : order) {
      visitor.revision(s);
    }
  }
}
