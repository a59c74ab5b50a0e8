package dev.etcdsnapshot.engine.objects;

import dev.etcdsnapshot.engine.content.KeyRevision;
import dev.etcdsnapshot.engine.content.SnapshotContent;
import io.etcd.jetcd.api.KeyValue;
import java.nio.file.Path;
import java.util.Iterator;

/** The key revisions of a snapshot file on disk, raw or zipped, read by the engine's snapshot reader. */
public final class SnapshotFileKeys {

  private SnapshotFileKeys() {}

  /** The revisions of {@code file}; the file is opened, walked and closed on each {@link KeyRevisions#forEach}. */
  public static KeyRevisions of(Path file) {
    return visitor -> {
      try (SnapshotContent content = SnapshotContent.open(file)) {
        for (Iterator<KeyRevision> it = content.revisions(); it.hasNext(); ) {
          visitor.revision(new Adapter(it.next()));
        }
      }
    };
  }

  private record Adapter(KeyRevision r) implements KeyRevisions.Revision {
    @Override
    public long main() {
      return r.main();
    }

    @Override
    public long sub() {
      return r.sub();
    }

    @Override
    public boolean tombstone() {
      return r.tombstone();
    }

    @Override
    public byte[] key() {
      return r.key();
    }

    @Override
    public KeyValue keyValue() {
      return r.keyValue();
    }
  }
}
