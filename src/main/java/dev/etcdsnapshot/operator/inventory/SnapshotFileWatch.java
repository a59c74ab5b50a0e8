package dev.etcdsnapshot.operator.inventory;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the inventory's finalizer for ETCDSnapshotFile objects being deleted: on an agent for the local objects of
 * its node (only it reaches the file), on the leader for S3 objects.
 *
 * <p>A plain informer rather than a JOSDK reconciler: JOSDK hands objects marked for deletion only to reconcilers
 * that manage their own finalizer on every object, while ours is on Delete-policy objects only (put there by the
 * inventory). The informer's resync retries a deletion that failed.
 *
 * <p>It also records {@code ETCDSnapshotDeleted} for every deletion it sees, as k3s's finalizer handler does for
 * every object: Retain objects carry no finalizer, so their {@code kubectl delete} is noticed only here. The Event
 * is idempotent (see {@link SnapshotEvents#deleted}), so a deletion also reported by the pod that made it, or by a
 * second pod of the node, is recorded once.
 */
public final class SnapshotFileWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFileWatch.class);

  private final SharedIndexInformer<EtcdSnapshotFile> informer;
  private final ExecutorService worker;

  private SnapshotFileWatch(SharedIndexInformer<EtcdSnapshotFile> informer, ExecutorService worker) {
    this.informer = informer;
    this.worker = worker;
  }

  /**
   * Starts watching the objects whose storage-node label is {@code storageNode}.
   *
   * @param node this agent's node for local objects, {@code null} on the leader side
   * @param active whether this process may act now (the leader side acts only while it holds the Lease)
   * @param resync how often every object is looked at again (retries of failed deletions)
   */
  public static SnapshotFileWatch start(KubernetesClient client, SnapshotFileFinalizer finalizer,
      SnapshotEvents events, Flavor flavor, String storageNode, String node, BooleanSupplier active,
      Duration resync) {
    boolean leader = node == null;
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "snapshotfile-finalizer-" + storageNode);
      t.setDaemon(true);
      return t;
    });
    ResourceEventHandler<EtcdSnapshotFile> handler = new ResourceEventHandler<>() {
      @Override
      public void onAdd(EtcdSnapshotFile file) {
        submit(file);
      }

      @Override
      public void onUpdate(EtcdSnapshotFile old, EtcdSnapshotFile file) {
        submit(file);
      }

      @Override
      public void onDelete(EtcdSnapshotFile file, boolean unknownFinalState) {
        if (!active.getAsBoolean() || !SnapshotFileFinalizer.isResponsible(file, flavor, node, leader)) {
          return;
        }
        worker.execute(() -> {
          try {
            // A label edit also drops an object from this label-filtered watch: only a real deletion counts.
            EtcdSnapshotFile now = client.resources(EtcdSnapshotFile.class).withName(file.getMetadata().getName())
                .get();
            if (now == null || !now.getMetadata().getUid().equals(file.getMetadata().getUid())) {
              events.deleted(file);
            }
          } catch (RuntimeException e) {
            LOG.warn("Recording the deletion of {} failed: {}", file.getMetadata().getName(), e.getMessage());
          }
        });
      }

      private void submit(EtcdSnapshotFile file) {
        if (file.getMetadata().getDeletionTimestamp() == null || !active.getAsBoolean()
            || !SnapshotFileFinalizer.isResponsible(file, flavor, node, leader)) {
          return;
        }
        worker.execute(() -> {
          try {
            finalizer.handleDeletion(file);
          } catch (RuntimeException e) {
            LOG.warn("Finalizing {} failed: {}", file.getMetadata().getName(), e.getMessage());
          }
        });
      }
    };
    SharedIndexInformer<EtcdSnapshotFile> informer = client.resources(EtcdSnapshotFile.class)
        .withLabel(SnapshotLabels.storageNodeLabel(flavor), storageNode)
        .inform(handler, resync.toMillis());
    return new SnapshotFileWatch(informer, worker);
  }

  @Override
  public void close() {
    informer.close();
    worker.shutdownNow();
  }
}
