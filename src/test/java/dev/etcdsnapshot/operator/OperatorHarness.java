package dev.etcdsnapshot.operator;

import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.engine.SnapshotSource;
import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.model.SecretRef;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.model.SnapshotS3Spec;
import dev.etcdsnapshot.model.TestCrds;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.EtcdProcess;
import dev.etcdsnapshot.testing.S3Server;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Everything an operator IT stands on, started here and stopped by {@link #close()} in reverse order: the CRDs on
 * the mock API server (installed by the constructor), real etcd clusters ({@link #etcd}), a real S3 server
 * ({@link #s3}), and operator processes (in this JVM), each the agent of one node with its own snapshot directory.
 * Beside them the fixtures the ITs share (Secrets, schedules, requests) and the waits that prove an operator has
 * processed a change, so a test asserts an absence only after a positive signal ({@link #awaitReconciledAfter},
 * {@link #awaitSyncs}).
 */
final class OperatorHarness implements AutoCloseable {

  static final String NS = "snap";

  /** The mock server logs every request at INFO through java.util.logging; held so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  /**
   * Short periods so tests do not wait on production timers; a node counts as gone only after 30 days, far beyond
   * the jumps tests make with their clocks.
   */
  static final OperatorConfig.Timing FAST = new OperatorConfig.Timing(Duration.ofMillis(200),
      Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(2),
      Duration.ofDays(30), Duration.ofSeconds(2));

  /**
   * For the in-process reconciler tests: agents look at schedules and the leader at requests every 100 ms, and a
   * Lease stays valid for two hours, so a test may jump its clock by half an hour without its one agent counting
   * as gone; a request that finds its node busy is tried again after 100 ms.
   */
  static final OperatorConfig.Timing IN_PROCESS = new OperatorConfig.Timing(Duration.ofMillis(100),
      Duration.ofHours(2), Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofSeconds(2),
      Duration.ofDays(30), Duration.ofMillis(100));

  private final KubernetesClient client;
  private final Clock clock;
  private final List<OperatorRuntime> runtimes = new ArrayList<>();
  private final Map<OperatorRuntime, PrometheusMeterRegistry> registries = new IdentityHashMap<>();
  private final Map<OperatorRuntime, ReconcileLog> reconciles = new IdentityHashMap<>();
  private final List<Path> dirs = new ArrayList<>();
  private final List<AutoCloseable> servers = new ArrayList<>();

  /** Installs the CRDs on the mock API server and lets the operator use Leases there. */
  OperatorHarness(KubernetesClient client, KubernetesMockServer server, Clock clock) {
    this.client = client;
    this.clock = clock;
    TestCrds.create(client);
    allowLeases(server);
  }

  /** Starts a real etcd cluster of {@code members} members, stopped by {@link #close()}. */
  EtcdCluster etcd(int members) throws IOException, InterruptedException {
    EtcdCluster etcd = EtcdCluster.start(members);
    servers.add(etcd);
    return etcd;
  }

  /** Starts a real S3 server with these buckets, stopped by {@link #close()}. */
  S3Server s3(String... buckets) throws Exception {
    S3Server s3 = S3Server.builder().start();
    servers.add(s3);
    for (String bucket : buckets) {
      s3.createBucket(bucket);
    }
    return s3;
  }

  /**
   * JOSDK checks, before it runs for leader, that it may use Leases (a SelfSubjectRulesReview); the mock server has
   * no authorizer, so it answers as a cluster with the chart's RBAC would.
   */
  static void allowLeases(KubernetesMockServer server) {
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().withIncomplete(false)
            .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "list", "watch", "create", "update", "patch").endResourceRule()
            .endStatus().build())
        .always();
  }

  /** Starts the agent of {@code node} (and a leader candidate) snapshotting {@code member} into a fresh dir. */
  Path startAgent(String node, EtcdProcess member) throws IOException {
    Path dir = newDir(node);
    startAgent(node, node + "-pod-" + runtimes.size(), member, dir, Duration.ofSeconds(1));
    return dir;
  }

  /** As {@link #startAgent(String, EtcdProcess)}, with k3s-parity settings (kube-system Secrets, Event component). */
  Path startAgent(String node, EtcdProcess member, OperatorConfig.K3sCompat compat) throws IOException {
    Path dir = newDir(node);
    OperatorConfig config = new OperatorConfig(node, node + "-pod-" + runtimes.size(), Set.of(NS), NS,
        EtcdConnectionSettings.of(member.clientUrl()), dir, false, Duration.ofSeconds(1), Flavor.K3S, true, 0, FAST,
        null, 1, compat);
    start(config);
    return dir;
  }

  /** Starts an agent with full control over its identity, directory and sync interval. */
  OperatorRuntime startAgent(String node, String pod, EtcdProcess member, Path dir, Duration syncInterval)
      throws IOException {
    return startAgent(node, pod, member, dir, syncInterval, FAST);
  }

  /** As above, with other internal periods. */
  OperatorRuntime startAgent(String node, String pod, EtcdProcess member, Path dir, Duration syncInterval,
      OperatorConfig.Timing timing) throws IOException {
    return start(new OperatorConfig(node, pod, Set.of(NS), NS, EtcdConnectionSettings.of(member.clientUrl()), dir,
        false, syncInterval, Flavor.K3S, true, 0, timing));
  }

  /**
   * Starts the operator process of {@code node} in-process tests use: no etcd (the snapshot bytes come from
   * {@code source}; the etcd address configured is never dialed), no leader election (it leads at once), a fresh
   * snapshot directory, returned.
   */
  Path startWithSource(String node, SnapshotSource source, OperatorConfig.Timing timing) throws IOException {
    Path dir = newDir(node);
    start(new OperatorConfig(node, node + "-pod-" + runtimes.size(), Set.of(NS), NS,
        EtcdConnectionSettings.of("http://127.0.0.1:9"), dir, false, Duration.ofSeconds(1), Flavor.K3S, false, 0,
        timing), source);
    return dir;
  }

  /** Starts an operator process with any configuration; its metrics go to a registry of its own. */
  OperatorRuntime start(OperatorConfig config) throws IOException {
    return start(config, null);
  }

  /**
   * As {@link #start(OperatorConfig)}, taking snapshots from {@code source} instead of the etcd member the
   * configuration names (null: that member).
   */
  OperatorRuntime start(OperatorConfig config, SnapshotSource source) throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ReconcileLog log = new ReconcileLog();
    OperatorRuntime runtime = OperatorRuntime.start(config, client, clock, registry, source, log);
    runtimes.add(runtime);
    registries.put(runtime, registry);
    reconciles.put(runtime, log);
    return runtime;
  }

  /** A fresh snapshot directory for a node, removed at the end; shared by the pods started for that node. */
  Path newDir(String node) throws IOException {
    Path dir = Files.createTempDirectory("op-" + node + "-").resolve("snapshots");
    Files.createDirectories(dir);
    dirs.add(dir.getParent());
    return dir;
  }

  /** Stops one runtime (a pod going away) before the others. */
  void stop(OperatorRuntime runtime) {
    runtime.close();
    runtimes.remove(runtime);
    registries.remove(runtime);
    reconciles.remove(runtime);
  }

  /** The i-th runtime started, in start order. */
  OperatorRuntime runtime(int i) {
    return runtimes.get(i);
  }

  /** The finished snapshot files (no metadata, no {@code .part} being written) in a directory, sorted. */
  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .filter(n -> !n.endsWith(".part")).sorted().toList();
    }
  }

  /** The ETCDSnapshotFile objects of a node (or {@code s3}). */
  List<EtcdSnapshotFile> objects(String storageNode) {
    return client.resources(EtcdSnapshotFile.class)
        .withLabel(SnapshotLabels.storageNodeLabel(Flavor.K3S), storageNode).list().getItems();
  }

  /** Events with a reason, in a namespace. */
  List<Event> events(String namespace, String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  /** A schedule in {@link #NS}, created. */
  EtcdSnapshotSchedule schedule(String name, EtcdSnapshotScheduleSpec spec) {
    EtcdSnapshotSchedule s = new EtcdSnapshotSchedule();
    s.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    s.setSpec(spec);
    return client.resource(s).create();
  }

  /** A request in {@link #NS}, created. */
  EtcdSnapshotRequest request(String name, EtcdSnapshotRequestSpec spec) {
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    r.setSpec(spec);
    return client.resource(r).create();
  }

  /** The request once it has Succeeded or Failed (within 30 s). */
  EtcdSnapshotRequest finished(String name) {
    return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
        () -> client.resources(EtcdSnapshotRequest.class).inNamespace(NS).withName(name).get(),
        r -> r.getStatus().getPhase() == RequestPhase.SUCCEEDED || r.getStatus().getPhase() == RequestPhase.FAILED);
  }

  /** An S3 Secret of k3s's type in {@link #NS}, not yet created. */
  static Secret secret(String name, Map<String, String> data) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withType("etcd.k3s.cattle.io/s3-config-secret")
        .withData(data.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
            e -> Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))))
        .build();
  }

  /** S3 settings that name only a Secret. */
  static SnapshotS3Spec s3Spec(String secretName) {
    SnapshotS3Spec spec = new SnapshotS3Spec();
    SecretRef ref = new SecretRef();
    ref.setName(secretName);
    spec.setSecretRef(ref);
    return spec;
  }

  /**
   * Waits until {@code runtime} has finished {@code count} more syncs of ETCDSnapshotFile objects with its
   * {@code storage} ({@code local}: its node's directory; {@code s3}: the leader's buckets) than when called.
   */
  void awaitSyncs(OperatorRuntime runtime, String storage, int count) {
    long before = syncs(runtime, storage);
    await().atMost(Duration.ofSeconds(30)).until(() -> syncs(runtime, storage) >= before + count);
  }

  /**
   * Waits until the agent of every running operator process has finished a reconciliation of {@code resource} (a
   * schedule: {@code schedule-agent}; a request: {@code request-agent}) that started from {@code version} or a
   * later one: each has seen that state and done all it would about it, so what it did not do by now it does not
   * do for that state. A schedule's agent looks again at least every {@code scheduleMaxWait}; a request's only on a
   * new generation (or a busy retry), so give a request the version of a spec change.
   */
  void awaitReconciledAfter(HasMetadata resource, String version) {
    awaitReconciledAfter(agentController(resource), resource, version);
  }

  /** As {@link #awaitReconciledAfter(HasMetadata, String)}, for the version {@code resource} has on the server now. */
  void awaitReconciledAgain(HasMetadata resource) {
    HasMetadata now = client.resource(resource).get();
    awaitReconciledAfter(now, now.getMetadata().getResourceVersion());
  }

  /** As {@link #awaitReconciledAfter(HasMetadata, String)}, for one named controller of every running process. */
  void awaitReconciledAfter(String controller, HasMetadata resource, String version) {
    long wanted = ReconcileLog.version(version);
    String uid = resource.getMetadata().getUid();
    await().atMost(Duration.ofSeconds(30)).until(() -> runtimes.stream().map(reconciles::get)
        .allMatch(log -> log.seen(controller, uid).newestVersion() >= wanted));
  }

  /** How many reconciliations of {@code resource} {@code controller} of {@code runtime} has finished. */
  long reconciled(OperatorRuntime runtime, String controller, HasMetadata resource) {
    return reconciles.get(runtime).seen(controller, resource.getMetadata().getUid()).count();
  }

  /** How many reconciliations of {@code resource} {@code controller} has finished, summed over every process. */
  long reconciled(String controller, HasMetadata resource) {
    return runtimes.stream().mapToLong(r -> reconciled(r, controller, resource)).sum();
  }

  private static String agentController(HasMetadata resource) {
    if (resource instanceof EtcdSnapshotSchedule) {
      return "schedule-agent";
    }
    if (resource instanceof EtcdSnapshotRequest) {
      return "request-agent";
    }
    throw new IllegalArgumentException("no agent reconciles a " + resource.getKind());
  }

  private long syncs(OperatorRuntime runtime, String storage) {
    return registries.get(runtime).find("etcd.snapshot.sync.duration").tag("storage", storage).timers().stream()
        .mapToLong(Timer::count).sum();
  }

  @Override
  public void close() throws Exception {
    for (OperatorRuntime r : runtimes) {
      r.close();
    }
    runtimes.clear();
    for (int i = servers.size() - 1; i >= 0; i--) {
      servers.get(i).close();
    }
    servers.clear();
    for (Path d : dirs) {
      try (Stream<Path> walk = Files.walk(d)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
