package dev.etcdsnapshot.engine;

import dev.etcdsnapshot.storage.SnapshotMetadata;
import dev.etcdsnapshot.storage.SnapshotStore;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A store as one retention scope sees it: with {@link RetentionScope#NODE} its listing holds only the snapshots
 * the given node uploaded, so the one retention rule ({@link Retention}) prunes per node without a second
 * algorithm; with {@link RetentionScope#CLUSTER} it is the store itself (k3s's behaviour). Everything but
 * {@link #list()} goes straight to the store.
 */
public final class ScopedStore implements SnapshotStore {

  private final SnapshotStore store;
  private final String nodeName;

  private ScopedStore(SnapshotStore store, String nodeName) {
    this.store = store;
    this.nodeName = nodeName;
  }

  /** The view of {@code store} that {@code scope} prunes for {@code nodeName}. */
  public static SnapshotStore of(SnapshotStore store, RetentionScope scope, String nodeName) {
    Objects.requireNonNull(store, "store");
    if (scope == RetentionScope.CLUSTER) {
      return store;
    }
    return new ScopedStore(store, Objects.requireNonNull(nodeName, "nodeName"));
  }

  @Override
  public StorageKind kind() {
    return store.kind();
  }

  @Override
  public List<StoredSnapshot> list() throws IOException {
    return store.list().stream().filter(s -> nodeName.equals(s.nodeName())).toList();
  }

  @Override
  public StoredSnapshot put(Path file, SnapshotMetadata metadata) throws IOException {
    return store.put(file, metadata);
  }

  @Override
  public InputStream open(String fileName) throws IOException {
    return store.open(fileName);
  }

  @Override
  public boolean delete(String fileName) throws IOException {
    return store.delete(fileName);
  }

  /** Does not close the underlying store: the view does not own it. */
  @Override
  public void close() {}
}
