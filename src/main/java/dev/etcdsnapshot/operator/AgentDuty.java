package dev.etcdsnapshot.operator;

import dev.etcdsnapshot.engine.ContentVerifier;
import dev.etcdsnapshot.engine.MemberKvHash;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.engine.SnapshotSource;
import dev.etcdsnapshot.operator.agent.ClusterFacts;
import dev.etcdsnapshot.operator.agent.ContentCheck;
import dev.etcdsnapshot.operator.agent.ContentProofRecorder;
import dev.etcdsnapshot.operator.agent.InFlight;
import dev.etcdsnapshot.operator.agent.InventoryPublisher;
import dev.etcdsnapshot.operator.agent.SnapshotRunner;
import dev.etcdsnapshot.operator.agent.UploadRetrier;
import dev.etcdsnapshot.operator.inventory.SnapshotFileFinalizer;
import dev.etcdsnapshot.operator.inventory.SnapshotFileWatch;
import dev.etcdsnapshot.operator.inventory.StorageDeleter;
import dev.etcdsnapshot.operator.node.AgentHeartbeat;
import dev.etcdsnapshot.operator.request.RequestAgentReconciler;
import dev.etcdsnapshot.operator.reverify.VerifiedSeed;
import dev.etcdsnapshot.operator.schedule.ScheduleAgentReconciler;
import dev.etcdsnapshot.operator.schedule.ScheduleMetricsWatch;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent duty, run on every pod for its own node: the schedule and request agents on their own JOSDK
 * {@link Operator}, the agent Lease, the local sync loop, the local objects' finalizer and the schedule gauges.
 */
final class AgentDuty implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AgentDuty.class);

  /** The most a content proof inflates into the temporary directory (the chart gives /tmp 256Mi). */
  static final long MAX_INFLATED_BYTES = 224L * 1024 * 1024;

  private final RuntimeParts parts;
  private final Operator operator;
  private final LocalSnapshotStore local;
  private final SnapshotEngine engine;
  private final InventoryPublisher publisher;
  private final InFlight inFlight;
  private final AgentHeartbeat heartbeat;
  private final ScheduledExecutorService syncLoop;
  private SnapshotFileWatch localFiles;
  private ScheduleMetricsWatch scheduleMetrics;
  private final SnapshotRunner runner;

  /** Wires the duty and registers its reconcilers; the agent Lease is renewed from here on. */
  AgentDuty(RuntimeParts p, SnapshotSource source) throws IOException {
    var config = p.config();
    String node = p.node();
    this.parts = p;
    local = new LocalSnapshotStore(config.snapshotDir(), config.createSnapshotDir(), node,
        SnapshotNames::parseTimestamp);
    engine = new SnapshotEngine(local, source, p.clock(), config.compressThreads());
    seedLastSuccess();
    VerifiedSeed.seed(p.client(), config.flavor(), node, p.metrics());
    publisher = new InventoryPublisher(node, engine, p.inventory(), p.metrics(),
        p.afterSync(StorageKind.LOCAL));
    ClusterFacts facts = new ClusterFacts(p.client(), config.flavor(), config.tokenFile());
    inFlight = new InFlight();
    // A zipped snapshot is inflated into /tmp, the chart's 256Mi emptyDir: stay below it rather than be evicted.
    ContentCheck contentCheck = source instanceof MemberKvHash member ? ContentCheck.of(local, member,
        new ContentVerifier(p.clock(), Path.of(System.getProperty("java.io.tmpdir")), MAX_INFLATED_BYTES)) : null;
    runner = new SnapshotRunner(node, engine, p.s3(), publisher, p.metrics(), facts::next,
        inFlight, contentCheck, new ContentProofRecorder(p.client(), p.snapshotEvents()));
    var timing = config.timing();
    heartbeat = AgentHeartbeat.start(p.leases(), node, config.identity(), timing.leaseRenew());
    operator = new Operator(p.operatorBase());
    operator.register(new ScheduleAgentReconciler(node, config.identity(), p.leases(), p.clock(),
        timing.scheduleMaxWait(), runner, p.writer(), p.s3(), p.events(),
        new UploadRetrier(node, engine, p.s3(), publisher, p.metrics(), facts::next, p.clock(), inFlight),
        p.metrics()), o -> o.withName("schedule-agent").settingNamespaces(config.namespaces()));
    operator.register(new RequestAgentReconciler(node, config.identity(), p.schedules(), runner, p.writer(),
        p.events(), p.clock(), RequestAgentReconciler.MAX_BUSY_WAIT, timing.requestBusyRetry()), o -> o.withName("request-agent").settingNamespaces(config.namespaces()));
    syncLoop = RuntimeParts.daemonTimer("local-sync-" + node);
  }

  /** Starts the local objects' finalizer, the reconcilers, the schedule gauges and the local sync loop. */
  void start() {
    var p = parts;
    var config = p.config();
    String node = p.node();
    localFiles = SnapshotFileWatch.start(p.client(), new SnapshotFileFinalizer(p.client(),
            new StorageDeleter(node, engine, p.s3Stores()), p.snapshotEvents(), config.flavor()),
        p.snapshotEvents(), config.flavor(), node, node, () -> true, OperatorRuntime.FINALIZER_RESYNC);
    operator.start();
    scheduleMetrics = ScheduleMetricsWatch.start(p.schedules(), node, p.metrics());
    syncLoop.scheduleWithFixedDelay(publisher::syncLocal, 0, config.syncInterval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** This node's snapshot directory, whose copies this agent re-verifies. */
  LocalSnapshotStore local() {
    return local;
  }

  /** Whether the reconcilers run with healthy informers (readiness). */
  boolean healthy() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  /** Interrupts the saves and uploads in flight and waits for them to end; false when one outlived the wait. */
  boolean interruptRuns(Duration deadline) throws InterruptedException {
    return inFlight.interruptAndAwait(deadline);
  }

  private void seedLastSuccess() {
    // The last-success gauge starts from the newest local snapshot, so a restart does not make it vanish.
    try {
      parts.metrics().seedLastSuccess(parts.node(), StorageKind.LOCAL, engine.list());
    } catch (IOException | RuntimeException e) {
      LOG.debug("No last-success seed from the snapshot directory: {}", e.getMessage());
    }
  }

  /** Stops the sync loop and the Lease renewal; {@link #stopOperator()} stops the reconcilers. */
  @Override
  public void close() {
    syncLoop.shutdownNow();
    heartbeat.close();
    runner.close();
    if (localFiles != null) {
      localFiles.close();
    }
    if (scheduleMetrics != null) {
      scheduleMetrics.close();
    }
  }

  void stopOperator() {
    OperatorRuntime.stopQuietly(operator);
  }
}
