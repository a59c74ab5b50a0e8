package dev.etcdsnapshot.operator;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.operator.agent.SchedulePolicies;
import dev.etcdsnapshot.operator.cache.ScheduleCache;
import dev.etcdsnapshot.operator.events.ResourceEvents;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.operator.inventory.SnapshotFileProjection;
import dev.etcdsnapshot.operator.inventory.SnapshotInventory;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.operator.node.AgentLeases;
import dev.etcdsnapshot.operator.node.NodeSyncAnnotations;
import dev.etcdsnapshot.operator.s3.S3Access;
import dev.etcdsnapshot.operator.s3.S3RemoteStores;
import dev.etcdsnapshot.operator.s3.S3SecretReader;
import dev.etcdsnapshot.operator.s3.S3Stores;
import dev.etcdsnapshot.operator.status.StatusWriter;
import dev.etcdsnapshot.storage.StorageKind;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.monitoring.AggregatedMetrics;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/** What the agent duty and the leader duty of one process share: the client, the clock and the API-side helpers. */
record RuntimeParts(OperatorConfig config, KubernetesClient client, Clock clock, PrometheusMeterRegistry registry,
    SnapshotMetrics metrics, S3Access s3, S3Stores s3Stores, SnapshotFileProjection projection,
    SnapshotEvents snapshotEvents, ResourceEvents events, SnapshotInventory inventory, StatusWriter writer,
    AgentLeases leases, NodeSyncAnnotations nodeAnnotations, ScheduleCache schedules, Metrics reconcileObserver)
    implements AutoCloseable {

  /**
   * The parts; the schedule cache has listed the watched namespaces' schedules when this returns.
   *
   * @param reconcileObserver told of every reconciliation of both duties besides the Prometheus metrics (tests wait
   *     on it to prove an agent has looked again); {@link Metrics#NOOP} in production
   */
  static RuntimeParts of(OperatorConfig config, KubernetesClient client, Clock clock,
      PrometheusMeterRegistry registry, Metrics reconcileObserver) {
    String node = config.nodeName();
    ScheduleCache schedules = ScheduleCache.start(client, config.namespaces());
    S3Access s3 = new S3Access(new S3SecretReader(client, config.compat().kubeSystemS3Secrets()),
        new S3RemoteStores(config.flavor()));
    SnapshotFileProjection projection = new SnapshotFileProjection(config.flavor());
    SnapshotEvents snapshotEvents = new SnapshotEvents(client, clock, node, config.compat().eventComponent());
    SnapshotInventory inventory = new SnapshotInventory(client, projection, snapshotEvents, clock,
        new SchedulePolicies(schedules));
    return new RuntimeParts(config, client, clock, registry, new SnapshotMetrics(registry, clock), s3,
        new S3Stores(client, config.namespaces(), s3), projection, snapshotEvents,
        new ResourceEvents(client, clock, node), inventory, new StatusWriter(client),
        new AgentLeases(client, config.operatorNamespace(), clock, config.timing().leaseDuration()),
        new NodeSyncAnnotations(client, node, config.flavor(), clock), schedules, reconcileObserver);
  }

  /** Stops the schedule cache's informers. */
  @Override
  public void close() {
    schedules.close();
  }

  String node() {
    return config.nodeName();
  }

  /** After a sync of {@code kind}: k3s's Node timestamp, when the compat settings ask for it. */
  Runnable afterSync(StorageKind kind) {
    boolean annotate = config.compat().nodeAnnotations();
    return () -> {
      if (annotate) {
        nodeAnnotations.synced(kind);
      }
    };
  }

  /** The JOSDK configuration both Operators start from. */
  Consumer<ConfigurationServiceOverrider> operatorBase() {
    // SSA off: the fabric8 mock server cannot do it, and the code path tests cover must be the one clusters run.
    return o -> o.withKubernetesClient(client)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withCloseClientOnStop(false)
        .withMetrics(reconcileObserver == Metrics.NOOP ? MicrometerMetrics.withoutPerResourceMetrics(registry)
            : new AggregatedMetrics(List.of(MicrometerMetrics.withoutPerResourceMetrics(registry),
                reconcileObserver)));
  }

  static ScheduledExecutorService daemonTimer(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }
}
