package dev.etcdsnapshot.operator;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.engine.ContentVerifier;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.engine.etcd.EtcdSnapshotSource;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.agent.ClusterFacts;
import dev.etcdsnapshot.operator.agent.ContentCheck;
import dev.etcdsnapshot.operator.agent.ContentProofRecorder;
import dev.etcdsnapshot.operator.agent.InFlight;
import dev.etcdsnapshot.operator.agent.InventoryPublisher;
import dev.etcdsnapshot.operator.agent.SchedulePolicies;
import dev.etcdsnapshot.operator.agent.SnapshotRunner;
import dev.etcdsnapshot.operator.agent.UploadRetrier;
import dev.etcdsnapshot.operator.events.ResourceEvents;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.operator.inventory.SnapshotFileFinalizer;
import dev.etcdsnapshot.operator.inventory.SnapshotFileProjection;
import dev.etcdsnapshot.operator.inventory.SnapshotFileWatch;
import dev.etcdsnapshot.operator.inventory.SnapshotInventory;
import dev.etcdsnapshot.operator.inventory.StorageDeleter;
import dev.etcdsnapshot.operator.leader.GoneNodes;
import dev.etcdsnapshot.operator.leader.LeaderSync;
import dev.etcdsnapshot.operator.leader.S3SyncReconciler;
import dev.etcdsnapshot.operator.metrics.OperatorHttpServer;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.operator.node.AgentHeartbeat;
import dev.etcdsnapshot.operator.node.AgentLeases;
import dev.etcdsnapshot.operator.node.NodeSyncAnnotations;
import dev.etcdsnapshot.operator.request.RequestAgentReconciler;
import dev.etcdsnapshot.operator.request.RequestLeaderReconciler;
import dev.etcdsnapshot.operator.s3.S3Access;
import dev.etcdsnapshot.operator.s3.S3RemoteStores;
import dev.etcdsnapshot.operator.s3.S3SecretReader;
import dev.etcdsnapshot.operator.s3.S3Stores;
import dev.etcdsnapshot.operator.schedule.ScheduleAgentReconciler;
import dev.etcdsnapshot.operator.schedule.ScheduleMetricsWatch;
import dev.etcdsnapshot.operator.status.StatusWriter;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operator process: the agent duty for its own node (schedules, requests, local objects and their finalizer,
 * the agent Lease, the local sync loop) on one JOSDK {@link Operator}, and the cluster-wide duty (request phases
 * and TTL, S3 objects' finalizer; and on the sync interval the S3 sync of every store in use and the clean-up of
 * gone nodes' objects, see {@link LeaderSync}) on a second {@link Operator} that runs only while this pod holds the
 * leader Lease {@value OperatorConfig#LEADER_LEASE} (JOSDK leader election; with {@code --leader-election=false} it
 * always runs). Two Operator instances
 * because JOSDK elects a leader per Operator, and the agent duty must run on every pod.
 */
public final class OperatorRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorRuntime.class);

  /** How often the finalizer watches look at every object again, which retries failed data deletions. */
  static final Duration FINALIZER_RESYNC = Duration.ofSeconds(30);

  /**
   * How long shutdown waits for the saves and uploads it interrupted to end — an interrupted multipart upload
   * aborts itself first — within the pod's default 30 s termination grace period.
   */
  public static final Duration SHUTDOWN_DEADLINE = Duration.ofSeconds(20);

  private final Operator agent;
  private final Operator leader;
  private final AgentHeartbeat heartbeat;
  private final ScheduledExecutorService syncLoop;
  private final OperatorHttpServer http;
  private final EtcdSnapshotSource source;
  private final List<SnapshotFileWatch> watches;
  private final ScheduleMetricsWatch scheduleMetrics;
  private final ScheduledExecutorService leaderLoop;
  private final InFlight inFlight;
  private dev.etcdsnapshot.operator.reverify.Reverification reverification; // set once, at the end of start()

  private OperatorRuntime(Operator agent, Operator leader, AgentHeartbeat heartbeat, ScheduledExecutorService syncLoop,
      OperatorHttpServer http, EtcdSnapshotSource source, List<SnapshotFileWatch> watches,
      ScheduleMetricsWatch scheduleMetrics, ScheduledExecutorService leaderLoop, InFlight inFlight) {
    this.inFlight = inFlight;
    this.watches = watches;
    this.scheduleMetrics = scheduleMetrics;
    this.leaderLoop = leaderLoop;
    this.agent = agent;
    this.leader = leader;
    this.heartbeat = heartbeat;
    this.syncLoop = syncLoop;
    this.http = http;
    this.source = source;
  }

  /** The most a content proof inflates into the temporary directory (the chart gives /tmp 256Mi). */
  static final long MAX_INFLATED_BYTES = 224L * 1024 * 1024;

  /**
   * Wires and starts everything.
   *
   * @param client the API client (not closed by {@link #close()})
   * @param clock the only source of time for schedules, statuses and records
   * @param registry where metrics go; served on {@code /metrics}
   * @param exitOnLostLeadership whether losing the leader Lease ends the process (production: yes, so a fresh pod
   *     competes again; tests: no)
   */
  public static OperatorRuntime start(OperatorConfig config, KubernetesClient client, Clock clock,
      PrometheusMeterRegistry registry, boolean exitOnLostLeadership) throws IOException {
    String node = config.nodeName();
    SnapshotMetrics metrics = new SnapshotMetrics(registry, clock);
    LocalSnapshotStore local = new LocalSnapshotStore(config.snapshotDir(), config.createSnapshotDir(), node,
        SnapshotNames::parseTimestamp);
    EtcdSnapshotSource source = EtcdSnapshotSource.forSingleEndpoint(config.etcd());
    SnapshotEngine engine = new SnapshotEngine(local, source, clock, config.compressThreads());
    seedLastSuccess(engine, metrics, node);
    S3SecretReader reader = new S3SecretReader(client, config.compat().kubeSystemS3Secrets());
    S3RemoteStores stores = new S3RemoteStores(config.flavor());
    S3Access s3 = new S3Access(reader, stores);
    dev.etcdsnapshot.operator.reverify.VerifiedSeed.seed(client, config.flavor(), node, metrics);
    SnapshotFileProjection projection = new SnapshotFileProjection(config.flavor());
    SnapshotEvents snapshotEvents = new SnapshotEvents(client, clock, node, config.compat().eventComponent());
    SnapshotInventory inventory = new SnapshotInventory(client, projection, snapshotEvents, clock,
        new SchedulePolicies(client, config.namespaces()));
    NodeSyncAnnotations nodeAnnotations = new NodeSyncAnnotations(client, node, config.flavor(), clock);
    boolean annotate = config.compat().nodeAnnotations();
    InventoryPublisher publisher = new InventoryPublisher(node, engine, inventory, projection, metrics,
        () -> {
          if (annotate) {
            nodeAnnotations.synced(StorageKind.LOCAL);
          }
        });
    ClusterFacts facts = new ClusterFacts(client, config.flavor(), config.tokenFile());
    InFlight inFlight = new InFlight();
    // A zipped snapshot is inflated into /tmp, the chart's 256Mi emptyDir: stay below it rather than be evicted.
    ContentCheck contentCheck = ContentCheck.of(local, source,
        new ContentVerifier(clock, Path.of(System.getProperty("java.io.tmpdir")), MAX_INFLATED_BYTES));
    SnapshotRunner runner = new SnapshotRunner(node, engine, s3, publisher, metrics, facts::next,
        inFlight, contentCheck, new ContentProofRecorder(client, snapshotEvents));
    StatusWriter writer = new StatusWriter(client);
    ResourceEvents events = new ResourceEvents(client, clock, node);
    S3Stores s3Stores = new S3Stores(client, config.namespaces(), s3);
    var timing = config.timing();
    AgentLeases leases = new AgentLeases(client, config.operatorNamespace(), clock, timing.leaseDuration());
    AgentHeartbeat heartbeat = AgentHeartbeat.start(leases, node, config.identity(), timing.leaseRenew());

    Operator agent = new Operator(base(client, registry));
    agent.register(new ScheduleAgentReconciler(node, config.identity(), leases, clock, timing.scheduleMaxWait(),
        runner, writer, s3, events,
        new UploadRetrier(node, engine, s3, publisher, metrics, facts::next, clock, inFlight), metrics),
        o -> o.withName("schedule-agent").settingNamespaces(config.namespaces()));
    agent.register(new RequestAgentReconciler(node, config.identity(), client, runner, writer, events),
        o -> o.withName("request-agent").settingNamespaces(config.namespaces()));

    S3SyncReconciler s3Sync = new S3SyncReconciler(s3, inventory, metrics, () -> {
      if (annotate) {
        nodeAnnotations.synced(StorageKind.S3);
      }
    });
    SnapshotFileFinalizer s3Finalizer = new SnapshotFileFinalizer(client, new StorageDeleter(null, null, s3Stores),
        snapshotEvents, config.flavor());
    LeaderSync leaderSync = new LeaderSync(s3Stores, s3Sync, new GoneNodes(client, leases, s3Finalizer,
        snapshotEvents, config.flavor(), clock, timing.nodeGoneAfter()));
    ScheduledExecutorService leaderLoop = daemonTimer("leader-sync-" + node);
    AtomicBoolean leading = new AtomicBoolean(!config.leaderElection());
    Runnable leaderRound = () -> {
      if (leading.get()) {
        leaderSync.run();
      }
    };
    Consumer<ConfigurationServiceOverrider> leaderConfig = base(client, registry).andThen(o -> {
      if (config.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(OperatorConfig.LEADER_LEASE,
            config.operatorNamespace(), LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, config.identity(),
            new LeaderCallbacks(() -> {
              leading.set(true);
              try {
                leaderLoop.execute(leaderRound); // a new leader does not wait a whole interval for its first round
              } catch (RejectedExecutionException e) {
                // Elected while shutting down: there is nothing left to run.
              }
            }, () -> leading.set(false), id -> { }),
            exitOnLostLeadership));
      }
    });
    Operator leader = new Operator(leaderConfig);
    leader.register(new RequestLeaderReconciler(client, clock, leases, writer, events, timing.agentGrace(),
        timing.requestRecheck()), o -> o.withName("request-leader").withGenerationAware(false)
        .settingNamespaces(config.namespaces()));
    leader.register(s3Sync, o -> o.withName("schedule-s3-sync").settingNamespaces(config.namespaces()));
    SnapshotFileWatch localFiles = SnapshotFileWatch.start(client, new SnapshotFileFinalizer(client,
            new StorageDeleter(node, engine, s3Stores), snapshotEvents, config.flavor()), snapshotEvents,
        config.flavor(), node, node, () -> true, FINALIZER_RESYNC);
    SnapshotFileWatch s3Files = SnapshotFileWatch.start(client, s3Finalizer, snapshotEvents, config.flavor(),
        SnapshotLabels.STORAGE_NODE_S3, null, leading::get, FINALIZER_RESYNC);

    agent.start();
    leader.start();
    ScheduleMetricsWatch scheduleMetrics = ScheduleMetricsWatch.start(client, config.namespaces(), node, metrics);
    ScheduledExecutorService syncLoop = daemonTimer("local-sync-" + node);
    long every = config.syncInterval().toMillis();
    syncLoop.scheduleWithFixedDelay(publisher::syncLocal, 0, every, TimeUnit.MILLISECONDS);
    leaderLoop.scheduleWithFixedDelay(leaderRound, 0, every, TimeUnit.MILLISECONDS);
    OperatorHttpServer http = OperatorHttpServer.start(new InetSocketAddress(config.metricsPort()), registry,
        () -> agent.getRuntimeInfo().isStarted() && agent.getRuntimeInfo().allEventSourcesAreHealthy());
    LOG.info("Operator started on node {} (pod {}), watching namespaces {}; metrics on port {}", node,
        config.identity(), config.namespaces(), http.port());
    OperatorRuntime runtime = new OperatorRuntime(agent, leader, heartbeat, syncLoop, http, source,
        List.of(localFiles, s3Files), scheduleMetrics, leaderLoop, inFlight);
    runtime.reverification = dev.etcdsnapshot.operator.reverify.Reverification.start(client, config.flavor(), local,
        s3Stores, Path.of(System.getProperty("java.io.tmpdir")), MAX_INFLATED_BYTES, snapshotEvents, metrics, clock,
        config.reverifyInterval(), leading::get);
    return runtime;
  }

  /** The last-success gauge starts from the newest local snapshot, so a restart does not make it vanish. */
  private static void seedLastSuccess(SnapshotEngine engine, SnapshotMetrics metrics, String node) {
    try {
      metrics.seedLastSuccess(node, StorageKind.LOCAL, engine.list());
    } catch (IOException | RuntimeException e) {
      LOG.debug("No last-success seed from the snapshot directory: {}", e.getMessage());
    }
  }

  private static ScheduledExecutorService daemonTimer(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  private static Consumer<ConfigurationServiceOverrider> base(KubernetesClient client,
      PrometheusMeterRegistry registry) {
    // SSA off: the fabric8 mock server cannot do it, and the code path tests cover must be the one clusters run.
    return o -> o.withKubernetesClient(client)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withCloseClientOnStop(false)
        .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
  }

  /** The port /metrics, /healthz and /readyz are served on. */
  public int httpPort() {
    return http.port();
  }

  /**
   * Stops both duties, the Lease renewal, the sync loop and the HTTP endpoint; the client stays open. First the
   * saves and uploads in flight are interrupted and awaited for at most {@link #SHUTDOWN_DEADLINE}, so that an
   * upload aborts its multipart upload before the process exits.
   */
  @Override
  public void close() {
    try {
      if (!inFlight.interruptAndAwait(SHUTDOWN_DEADLINE)) {
        LOG.warn("A snapshot save or upload was still running {} after shutdown interrupted it", SHUTDOWN_DEADLINE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    syncLoop.shutdownNow();
    leaderLoop.shutdownNow();
    reverification.close();
    heartbeat.close();
    watches.forEach(SnapshotFileWatch::close);
    scheduleMetrics.close();
    stopQuietly(leader);
    stopQuietly(agent);
    http.close();
    source.close();
  }

  private static void stopQuietly(Operator operator) {
    try {
      operator.stop();
    } catch (RuntimeException e) {
      LOG.warn("Stopping an operator failed: {}", e.getMessage());
    }
  }
}
