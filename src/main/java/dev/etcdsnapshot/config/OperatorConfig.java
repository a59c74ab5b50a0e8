package dev.etcdsnapshot.config;

import dev.etcdsnapshot.engine.etcd.EtcdConnectionSettings;
import dev.etcdsnapshot.engine.file.SnapshotZipWriter;
import dev.etcdsnapshot.model.Flavor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the {@code operator} command runs with, loaded and validated once from its flags and environment.
 * Immutable; the errors name the flag (or environment variable) at fault.
 *
 * @param nodeName this agent's node ({@code --node-name}, default {@code $NODE_NAME})
 * @param identity this pod ({@code $POD_NAME}, else the node name): Lease holder and claim owner
 * @param namespaces where schedules, requests and S3 Secrets are watched ({@code --namespace}, repeatable)
 * @param operatorNamespace where the agent and leader Leases live: the pod's own namespace
 * @param etcd how to reach this node's etcd member ({@code --endpoints}, {@code --cacert}, ...)
 * @param snapshotDir the node's snapshot directory ({@code --dir})
 * @param createSnapshotDir whether a missing directory may be created (only k3s's default)
 * @param syncInterval how often ETCDSnapshotFile objects are synced with storage ({@code --sync-interval})
 * @param flavor k3s or rke2 naming ({@code --flavor})
 * @param leaderElection whether the cluster-wide duty is leader-elected ({@code --leader-election})
 * @param metricsPort the port of /metrics, /healthz and /readyz ({@code --metrics-port}; 0 picks a free one)
 * @param timing the internal periods, tunable for tests
 * @param tokenFile the server token file whose fingerprint every snapshot records ({@code --token-file})
 * @param compressThreads threads that compress a snapshot ({@code --compress-threads})
 * @param compat the k3s-parity settings: Event component, S3 Secrets readable in kube-system, Node annotations
 * @param reverifyInterval how long a stored copy may go without being re-verified ({@code --reverify-interval});
 *     zero disables the periodic re-verification of stored copies
 */
public record OperatorConfig(
    String nodeName,
    String identity,
    Set<String> namespaces,
    String operatorNamespace,
    EtcdConnectionSettings etcd,
    Path snapshotDir,
    boolean createSnapshotDir,
    Duration syncInterval,
    Flavor flavor,
    boolean leaderElection,
    int metricsPort,
    Timing timing,
    TokenFile tokenFile,
    int compressThreads,
    K3sCompat compat,
    Duration reverifyInterval) {

  /** The default {@code --reverify-interval}: every stored copy is looked at again about once a day. */
  public static final Duration DEFAULT_REVERIFY_INTERVAL = Duration.ofHours(24);

  /** The Lease the leader holds, in the operator's namespace. */
  public static final String LEADER_LEASE = "etcd-snapshot-operator-leader";

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public OperatorConfig {
    if (nodeName == null || nodeName.isBlank()) {
      throw new IllegalArgumentException("--node-name is required (or set NODE_NAME, e.g. from the downward API "
          + "spec.nodeName)");
    }
    identity = identity == null || identity.isBlank() ? nodeName : identity;
    Objects.requireNonNull(namespaces, "namespaces");
    namespaces = Set.copyOf(new LinkedHashSet<>(namespaces));
    if (namespaces.isEmpty()) {
      throw new IllegalArgumentException("--namespace is required outside a pod (no POD_NAMESPACE, no service "
          + "account namespace file)");
    }
    for (String ns : namespaces) {
      requireNamespace("--namespace", ns);
    }
    requireNamespace("POD_NAMESPACE", operatorNamespace);
    Objects.requireNonNull(etcd, "etcd");
    Objects.requireNonNull(snapshotDir, "snapshotDir");
    if (syncInterval == null || syncInterval.isNegative() || syncInterval.isZero()) {
      throw new IllegalArgumentException("--sync-interval must be greater than 0s");
    }
    Objects.requireNonNull(flavor, "flavor");
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException("--metrics-port must be between 0 and 65535, got " + metricsPort);
    }
    timing = timing == null ? Timing.DEFAULT : timing;
    tokenFile = tokenFile == null ? TokenFile.NONE : tokenFile;
    SnapshotZipWriter.requireThreads("--compress-threads", compressThreads);
    compat = compat == null ? K3sCompat.DEFAULT : compat;
    reverifyInterval = reverifyInterval == null ? DEFAULT_REVERIFY_INTERVAL : reverifyInterval;
    if (reverifyInterval.isNegative()) {
      throw new IllegalArgumentException("--reverify-interval must be 0s (off) or greater, got " + reverifyInterval);
    }
  }

  /** A configuration re-verifying stored copies every {@link #DEFAULT_REVERIFY_INTERVAL}. */
  public OperatorConfig(String nodeName, String identity, Set<String> namespaces, String operatorNamespace,
      EtcdConnectionSettings etcd, Path snapshotDir, boolean createSnapshotDir, Duration syncInterval, Flavor flavor,
      boolean leaderElection, int metricsPort, Timing timing, TokenFile tokenFile, int compressThreads,
      K3sCompat compat) {
    this(nodeName, identity, namespaces, operatorNamespace, etcd, snapshotDir, createSnapshotDir, syncInterval,
        flavor, leaderElection, metricsPort, timing, tokenFile, compressThreads, compat, DEFAULT_REVERIFY_INTERVAL);
  }

  /** A configuration with the default k3s-parity settings. */
  public OperatorConfig(String nodeName, String identity, Set<String> namespaces, String operatorNamespace,
      EtcdConnectionSettings etcd, Path snapshotDir, boolean createSnapshotDir, Duration syncInterval, Flavor flavor,
      boolean leaderElection, int metricsPort, Timing timing, TokenFile tokenFile, int compressThreads) {
    this(nodeName, identity, namespaces, operatorNamespace, etcd, snapshotDir, createSnapshotDir, syncInterval,
        flavor, leaderElection, metricsPort, timing, tokenFile, compressThreads, K3sCompat.DEFAULT);
  }

  /** A configuration compressing on the agent's default threads: half the processors, so etcd keeps the rest. */
  public OperatorConfig(String nodeName, String identity, Set<String> namespaces, String operatorNamespace,
      EtcdConnectionSettings etcd, Path snapshotDir, boolean createSnapshotDir, Duration syncInterval, Flavor flavor,
      boolean leaderElection, int metricsPort, Timing timing, TokenFile tokenFile) {
    this(nodeName, identity, namespaces, operatorNamespace, etcd, snapshotDir, createSnapshotDir, syncInterval,
        flavor, leaderElection, metricsPort, timing, tokenFile, SnapshotZipWriter.threadsBesideEtcd());
  }

  /** A configuration without a server token file: snapshots carry no token fingerprint. */
  public OperatorConfig(String nodeName, String identity, Set<String> namespaces, String operatorNamespace,
      EtcdConnectionSettings etcd, Path snapshotDir, boolean createSnapshotDir, Duration syncInterval, Flavor flavor,
      boolean leaderElection, int metricsPort, Timing timing) {
    this(nodeName, identity, namespaces, operatorNamespace, etcd, snapshotDir, createSnapshotDir, syncInterval,
        flavor, leaderElection, metricsPort, timing, TokenFile.NONE, SnapshotZipWriter.threadsBesideEtcd());
  }

  private static void requireNamespace(String what, String ns) {
    if (ns == null || !DNS_LABEL.matcher(ns).matches()) {
      throw new IllegalArgumentException(what + " must be a namespace name (lowercase RFC 1123 label), got '" + ns
          + "'");
    }
  }

  /** The namespaces as a list, for JOSDK. */
  public List<String> namespaceList() {
    return List.copyOf(namespaces);
  }

  /**
   * Where we look like k3s on purpose, as far as the cluster lets us.
   *
   * @param eventComponent the {@code source.component} / {@code reportingComponent} of the k3s Events we write
   *     ({@code --event-component}; k3s writes {@code k3s-supervisor}, RKE2 {@code rke2-supervisor})
   * @param kubeSystemS3Secrets the Secrets in {@code kube-system} a schedule or request may name as its S3 Secret
   *     ({@code --kube-system-s3-secret}, repeatable; empty: none), which RBAC must let us read
   * @param nodeAnnotations whether each sync writes k3s's reconcile timestamps on this node's Node
   *     ({@code --node-annotations}; needs {@code nodes patch})
   */
  public record K3sCompat(String eventComponent, Set<String> kubeSystemS3Secrets, boolean nodeAnnotations) {

    /** Our component name, no kube-system Secret, Node annotations on. */
    public static final K3sCompat DEFAULT = new K3sCompat(DEFAULT_EVENT_COMPONENT, Set.of(), true);

    public K3sCompat {
      if (eventComponent == null || eventComponent.isBlank() || eventComponent.length() > 128
          || !eventComponent.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        throw new IllegalArgumentException("--event-component must be a name of letters, digits, '.', '-' and '_' "
            + "(at most 128), got '" + eventComponent + "'");
      }
      kubeSystemS3Secrets = Set.copyOf(kubeSystemS3Secrets == null ? Set.of() : kubeSystemS3Secrets);
      for (String name : kubeSystemS3Secrets) {
        if (name == null || name.length() > 253 || !name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
          throw new IllegalArgumentException("--kube-system-s3-secret must be a Secret name (lowercase RFC 1123 "
              + "subdomain), got '" + name + "'");
        }
      }
    }
  }

  /** The Event component when {@code --event-component} is not given: ours. */
  public static final String DEFAULT_EVENT_COMPONENT = "etcd-snapshot-operator";

  /** The namespace k3s keeps its S3 Secret and CA ConfigMaps in. */
  public static final String KUBE_SYSTEM = "kube-system";

  /**
   * Internal periods.
   *
   * @param scheduleMaxWait the longest a schedule waits before it is looked at again (guards against clock steps)
   * @param leaseDuration how long an agent Lease is valid without renewal
   * @param leaseRenew how often an agent renews it
   * @param requestRecheck how often the leader looks at an unfinished request (to notice agents gone)
   * @param agentGrace how long a new request waits for agents without a Lease yet
   * @param nodeGoneAfter how long after its agent Lease was last renewed a node without a Node object is gone (a
   *     node that never had an agent Lease never is)
   * @param requestBusyRetry how soon an agent tries a request again when another snapshot of its node is running
   */
  public record Timing(Duration scheduleMaxWait, Duration leaseDuration, Duration leaseRenew,
      Duration requestRecheck, Duration agentGrace, Duration nodeGoneAfter, Duration requestBusyRetry) {

    /** Production values. */
    public static final Timing DEFAULT = new Timing(Duration.ofMinutes(5), Duration.ofSeconds(30),
        Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofHours(1),
        Duration.ofSeconds(2));
  }
}
