package dev.etcdsnapshot.operator.leader;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.SnapshotS3Spec;
import dev.etcdsnapshot.operator.inventory.SnapshotInventory;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.operator.s3.S3Access;
import dev.etcdsnapshot.operator.s3.S3ConfigException;
import dev.etcdsnapshot.operator.s3.S3SecretEventSource;
import dev.etcdsnapshot.operator.s3.S3Source;
import dev.etcdsnapshot.operator.s3.S3StoreIdentity;
import dev.etcdsnapshot.storage.SnapshotStore;
import dev.etcdsnapshot.storage.StorageKind;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's S3 sync of one schedule's store, at once when the schedule appears or changes or its Secret does:
 * mirror that store's objects into ETCDSnapshotFile objects (add what is found, remove what is gone after the
 * 1 minute grace, expire failure records). The sync on the interval, of every store in use by schedules and
 * requests alike, is {@link LeaderSync}'s.
 */
public final class S3SyncReconciler implements Reconciler<EtcdSnapshotSchedule> {

  private static final Logger LOG = LoggerFactory.getLogger(S3SyncReconciler.class);

  private final S3Access s3;
  private final SnapshotInventory inventory;
  private final SnapshotMetrics metrics;
  private final Runnable afterSync;

  public S3SyncReconciler(S3Access s3, SnapshotInventory inventory,
      SnapshotMetrics metrics) {
    this(s3, inventory, metrics, () -> { });
  }

  /**
   * @param afterSync runs after each successful sync of a store (k3s's Node timestamp on the leader's node)
   */
  public S3SyncReconciler(S3Access s3, SnapshotInventory inventory,
      SnapshotMetrics metrics, Runnable afterSync) {
    this.s3 = s3;
    this.inventory = inventory;
    this.metrics = metrics;
    this.afterSync = afterSync;
  }

  @Override
  public List<EventSource<?, EtcdSnapshotSchedule>> prepareEventSources(EventSourceContext<EtcdSnapshotSchedule> ctx) {
    return S3SecretEventSource.forSchedules(ctx, s3.kubeSystemSecrets());
  }

  @Override
  public UpdateControl<EtcdSnapshotSchedule> reconcile(EtcdSnapshotSchedule schedule,
      Context<EtcdSnapshotSchedule> context) {
    SnapshotS3Spec spec = schedule.getSpec() == null ? null : schedule.getSpec().getS3();
    if (spec == null) {
      return UpdateControl.noUpdate();
    }
    try {
      S3Source source = s3.source(schedule.getMetadata().getNamespace(), spec);
      sync(source);
    } catch (S3ConfigException e) {
      // The agents report it on the schedule's Ready condition; nothing to sync until it is fixed.
      LOG.debug("S3 sync of schedule {} skipped: {}", schedule.getMetadata().getName(), e.getMessage());
    }
    return UpdateControl.noUpdate();
  }

  /** Syncs one store's objects with its listing; false (logged and counted) when it could not be listed. */
  public boolean sync(S3Source source) throws S3ConfigException {
    S3StoreIdentity identity = s3.identity(source);
    long started = System.nanoTime();
    boolean ok = false;
    try (SnapshotStore store = s3.open(source).store()) {
      inventory.syncS3(identity, store.listDetailed());
      ok = true;
    } catch (Exception e) {
      LOG.warn("S3 sync of bucket {} failed: {}", identity.bucket(), e.getMessage());
    } finally {
      metrics.recordSync(StorageKind.S3, ok, Duration.ofNanos(System.nanoTime() - started));
    }
    if (ok) {
      afterSync.run();
    }
    return ok;
  }
}
