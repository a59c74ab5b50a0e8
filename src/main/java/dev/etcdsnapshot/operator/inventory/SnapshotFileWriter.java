package dev.etcdsnapshot.operator.inventory;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.List;

/**
 * The API calls of the inventory: list by label, create, update, remove, each with its Event. Status is written
 * with the object by a plain update, never through {@code /status}: k3s's CRD has no status subresource.
 */
final class SnapshotFileWriter {

  private final KubernetesClient client;
  private final SnapshotEvents events;
  private final String storageNodeLabel;
  private final String tokenKey;

  SnapshotFileWriter(KubernetesClient client, SnapshotEvents events, String storageNodeLabel, String tokenKey) {
    this.client = client;
    this.events = events;
    this.storageNodeLabel = storageNodeLabel;
    this.tokenKey = tokenKey;
  }

  private MixedOperation<EtcdSnapshotFile, KubernetesResourceList<EtcdSnapshotFile>, Resource<EtcdSnapshotFile>>
      files() {
    return client.resources(EtcdSnapshotFile.class);
  }

  /** Every object whose storage-node label is {@code storageNode}, in one request. */
  List<EtcdSnapshotFile> list(String storageNode) {
    return files().withLabel(storageNodeLabel, storageNode).list().getItems();
  }

  /** The object of that name, or {@code null}. */
  EtcdSnapshotFile get(String name) {
    return files().withName(name).get();
  }

  /**
   * Creates the object and emits Created (or Failed for a failure record). If it already exists (another writer was
   * first) it is brought in line instead, without an Event.
   *
   * @return the outcome: created, updated or unchanged
   */
  Outcome create(EtcdSnapshotFile desired) {
    return create(desired, true);
  }

  private Outcome create(EtcdSnapshotFile desired, boolean retry) {
    try {
      EtcdSnapshotFile created = files().resource(desired).create();
      events.createdOrFailed(created);
      return Outcome.CREATED;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
    EtcdSnapshotFile existing = get(desired.getMetadata().getName());
    if (existing == null) {
      if (!retry) {
        throw new IllegalStateException("object " + desired.getMetadata().getName()
            + " neither exists nor can be created (the API server answers 409); will retry at the next sync");
      }
      return create(desired, false); // it was deleted between our create and get
    }
    return mergeAndUpdate(existing, desired);
  }

  /** Writes {@code desired}'s state into {@code existing} if it differs; re-reads and retries once on a conflict. */
  Outcome mergeAndUpdate(EtcdSnapshotFile existing, EtcdSnapshotFile desired) {
    if (!SnapshotFileMerge.apply(existing, desired, storageNodeLabel, tokenKey)) {
      return Outcome.UNCHANGED;
    }
    try {
      files().resource(existing).update();
      return Outcome.UPDATED;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
    EtcdSnapshotFile fresh = get(existing.getMetadata().getName());
    if (fresh == null || !SnapshotFileMerge.apply(fresh, desired, storageNodeLabel, tokenKey)) {
      return Outcome.UNCHANGED;
    }
    files().resource(fresh).update();
    return Outcome.UPDATED;
  }

  /**
   * Removes an object whose snapshot is gone: our finalizer is released first (there is no data left for it to
   * delete), then the object is deleted and {@code ETCDSnapshotDeleted} emitted.
   */
  void remove(EtcdSnapshotFile existing) {
    if (SnapshotFileMerge.setFinalizer(existing, false)) {
      try {
        files().resource(existing).update();
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          return;
        }
        throw e;
      }
    }
    List<?> deleted = files().withName(existing.getMetadata().getName()).delete();
    if (!deleted.isEmpty()) {
      events.deleted(existing);
    }
  }

  /** Removes our finalizer from an object (by update); false when the object is already gone. */
  boolean releaseFinalizer(EtcdSnapshotFile file) {
    if (!SnapshotFileMerge.setFinalizer(file, false)) {
      return true;
    }
    try {
      files().resource(file).update();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /** True when the object carries our finalizer. */
  static boolean hasFinalizer(EtcdSnapshotFile file) {
    List<String> finalizers = file.getMetadata().getFinalizers();
    return finalizers != null && finalizers.contains(SnapshotLabels.FINALIZER);
  }

  /** What a write did. */
  enum Outcome {
    CREATED,
    UPDATED,
    UNCHANGED
  }
}
