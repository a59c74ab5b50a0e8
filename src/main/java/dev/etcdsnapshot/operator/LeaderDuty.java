package dev.etcdsnapshot.operator;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.inventory.SnapshotFileFinalizer;
import dev.etcdsnapshot.operator.inventory.SnapshotFileWatch;
import dev.etcdsnapshot.operator.inventory.StorageDeleter;
import dev.etcdsnapshot.operator.leader.GoneNodes;
import dev.etcdsnapshot.operator.leader.LeaderSync;
import dev.etcdsnapshot.operator.leader.S3SyncReconciler;
import dev.etcdsnapshot.operator.request.RequestLeaderReconciler;
import dev.etcdsnapshot.storage.StorageKind;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The cluster-wide duty, run only while this pod holds the leader Lease {@value OperatorConfig#LEADER_LEASE}
 * (always, with {@code --leader-election=false}): request phases and TTL, the S3 objects' finalizer, and on the
 * sync interval the S3 sync of every store in use and the clean-up of gone nodes' objects ({@link LeaderSync}).
 * Its own JOSDK {@link Operator}, because JOSDK elects a leader per Operator.
 */
final class LeaderDuty implements AutoCloseable {

  private final RuntimeParts parts;
  private final Operator operator;
  private final LeaderSync sync;
  private final SnapshotFileFinalizer s3Finalizer;
  private final ScheduledExecutorService loop;
  private final AtomicBoolean leading;
  private SnapshotFileWatch s3Files;

  LeaderDuty(RuntimeParts p, boolean exitOnLostLeadership) {
    var config = p.config();
    var timing = config.timing();
    this.parts = p;
    leading = new AtomicBoolean(!config.leaderElection());
    loop = RuntimeParts.daemonTimer("leader-sync-" + p.node());
    S3SyncReconciler s3Sync = new S3SyncReconciler(p.s3(), p.inventory(), p.metrics(), p.afterSync(StorageKind.S3));
    s3Finalizer = new SnapshotFileFinalizer(p.client(), new StorageDeleter(null, null, p.s3Stores()),
        p.snapshotEvents(), config.flavor());
    sync = new LeaderSync(p.s3Stores(), s3Sync, new GoneNodes(p.client(), p.leases(), s3Finalizer,
        p.snapshotEvents(), config.flavor(), p.clock(), timing.nodeGoneAfter()));
    operator = new Operator(p.operatorBase().andThen(election(exitOnLostLeadership)));
    operator.register(new RequestLeaderReconciler(p.client(), p.schedules(), p.clock(), p.leases(), p.writer(), p.events(),
        timing.agentGrace(), timing.requestRecheck()), o -> o.withName("request-leader")
        .withGenerationAware(false).settingNamespaces(config.namespaces()));
    operator.register(s3Sync, o -> o.withName("schedule-s3-sync").settingNamespaces(config.namespaces()));
  }

  private Consumer<ConfigurationServiceOverrider> election(boolean exitOnLostLeadership) {
    OperatorConfig config = parts.config();
    return o -> {
      if (config.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(OperatorConfig.LEADER_LEASE,
            config.operatorNamespace(), LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, config.identity(),
            new LeaderCallbacks(this::elected, () -> leading.set(false), id -> { }), exitOnLostLeadership));
      }
    };
  }

  /** Whether this pod holds the leader Lease (or runs without election). */
  boolean leading() {
    return leading.get();
  }

  private void elected() {
    leading.set(true);
    try {
      loop.execute(this::round); // a new leader does not wait a whole interval for its first round
    } catch (RejectedExecutionException e) {
      // Elected while shutting down: there is nothing left to run.
    }
  }

  private void round() {
    if (leading.get()) {
      sync.run();
    }
  }

  /** Starts the S3 objects' finalizer watch (acting only while leading), the reconcilers and the sync loop. */
  void start() {
    var config = parts.config();
    s3Files = SnapshotFileWatch.start(parts.client(), s3Finalizer, parts.snapshotEvents(), config.flavor(),
        SnapshotLabels.STORAGE_NODE_S3, null, leading::get, OperatorRuntime.FINALIZER_RESYNC);
    operator.start();
  }

  /** Starts the leader's sync rounds on the sync interval, the first at once. */
  void startLoop() {
    loop.scheduleWithFixedDelay(this::round, 0, parts.config().syncInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops the sync loop and the finalizer watch; {@link #stopOperator()} stops the reconcilers. */
  @Override
  public void close() {
    loop.shutdownNow();
    if (s3Files != null) {
      s3Files.close();
    }
  }

  void stopOperator() {
    OperatorRuntime.stopQuietly(operator);
  }
}
