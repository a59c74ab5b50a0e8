package dev.etcdsnapshot.operator;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.testing.EtcdProcess;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Starts operator processes (in this JVM) against a mock API server, each as the agent of one node with its own
 * etcd member and snapshot directory, and stops them all at the end.
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
  private final List<Path> dirs = new ArrayList<>();

  OperatorHarness(KubernetesClient client, KubernetesMockServer server, Clock clock) {
    this.client = client;
    this.clock = clock;
    allowLeases(server);
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
    Path dir = Files.createTempDirectory("op-" + node + "-").resolve("snapshots");
    Files.createDirectories(dir);
    dirs.add(dir.getParent());
    startAgent(node, node + "-pod-" + runtimes.size(), member, dir, Duration.ofSeconds(1));
    return dir;
  }

  /** As {@link #startAgent(String, EtcdProcess)}, with k3s-parity settings (kube-system Secrets, Event component). */
  Path startAgent(String node, EtcdProcess member, OperatorConfig.K3sCompat compat) throws IOException {
    Path dir = newDir(node);
    OperatorConfig config = new OperatorConfig(node, node + "-pod-" + runtimes.size(), Set.of(NS), NS,
        EtcdConnectionSettings.of(member.clientUrl()), dir, false, Duration.ofSeconds(1), Flavor.K3S, true, 0, FAST,
        null, 1, compat);
    runtimes.add(OperatorRuntime.start(config, client, clock, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        false));
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
    OperatorConfig config = new OperatorConfig(node, pod, Set.of(NS), NS,
        EtcdConnectionSettings.of(member.clientUrl()), dir, false, syncInterval, Flavor.K3S, true, 0, timing);
    OperatorRuntime runtime = OperatorRuntime.start(config, client, clock,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false);
    runtimes.add(runtime);
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

  @Override
  public void close() throws IOException {
    for (OperatorRuntime r : runtimes) {
      r.close();
    }
    for (Path d : dirs) {
      try (Stream<Path> walk = Files.walk(d)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
