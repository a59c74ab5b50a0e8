package dev.etcdsnapshot.operator;

import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.config.OperatorConfig;
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
 * processed a change, so a test asserts an absence only after a positive signal ({@link #awaitReconciled},
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
      Duration.ofDays(30));

  private final KubernetesClient client;
  private final Clock clock;
  private final List<OperatorRuntime> runtimes = new ArrayList<>();
  private final Map<OperatorRuntime, PrometheusMeterRegistry> registries = new IdentityHashMap<>();
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

  /** Starts an operator process with any configuration; its metrics go to a registry of its own. */
  OperatorRuntime start(OperatorConfig config) throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorRuntime runtime = OperatorRuntime.start(config, client, clock, registry, false);
    runtimes.add(runtime);
    registries.put(runtime, registry);
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
