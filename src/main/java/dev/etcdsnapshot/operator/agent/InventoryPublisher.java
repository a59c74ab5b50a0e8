package dev.etcdsnapshot.operator.agent;

import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.operator.inventory.ProjectionContext;
import dev.etcdsnapshot.operator.inventory.SnapshotInventory;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.operator.s3.S3StoreIdentity;
import dev.etcdsnapshot.storage.StorageKind;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes saves through the inventory (one pass: the objects of what the save made and pruned) and, via
 * {@link #syncLocal()} on the sync interval, keeps the node's objects in sync with its directory.
 */
public final class InventoryPublisher implements SnapshotPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(InventoryPublisher.class);

  private final String node;
  private final SnapshotEngine engine;
  private final SnapshotInventory inventory;
  private final SnapshotMetrics metrics;
  private final Runnable afterSync;

  /**
   * @param afterSync runs after each successful sync of the directory (k3s's Node timestamp)
   */
  public InventoryPublisher(String node, SnapshotEngine engine, SnapshotInventory inventory,
      SnapshotMetrics metrics, Runnable afterSync) {
    this.node = node;
    this.engine = engine;
    this.inventory = inventory;
    this.metrics = metrics;
    this.afterSync = afterSync;
  }

  @Override
  public List<String> published(String saver, SaveResult result, DeletionPolicy policy,
      Optional<S3StoreIdentity> s3) {
    return inventory.recordSave(result, ProjectionContext.save(saver, s3.orElse(null), null, policy));
  }

  /** Mirrors the node's directory into its ETCDSnapshotFile objects; failures are logged and counted. */
  public void syncLocal() {
    long started = System.nanoTime();
    boolean ok = false;
    try {
      inventory.syncLocal(node, engine.list());
      ok = true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("Local sync of node {} failed: {}", node, e.getMessage());
    } finally {
      metrics.recordSync(StorageKind.LOCAL, ok, Duration.ofNanos(System.nanoTime() - started));
    }
    if (ok) {
      afterSync.run();
    }
  }
}
