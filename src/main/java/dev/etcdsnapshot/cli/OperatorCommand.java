package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.config.PodEnvironment;
import dev.etcdsnapshot.config.TokenFile;
import dev.etcdsnapshot.engine.file.SnapshotZipWriter;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.operator.OperatorRuntime;
import dev.etcdsnapshot.storage.s3.GoDuration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code operator}: runs the operator process — this node's agent and, while it holds the leader Lease, the
 * cluster-wide duty — until SIGTERM, then stops cleanly. The kubeconfig is found the usual way (in-cluster service
 * account, {@code KUBECONFIG}, {@code ~/.kube/config}).
 */
@Command(name = "operator", mixinStandardHelpOptions = true,
    description = "Runs the operator: scheduled and on-demand snapshots of this node's etcd member from "
        + "ETCDSnapshotSchedule and ETCDSnapshotRequest resources, published as ETCDSnapshotFile objects.")
public final class OperatorCommand implements Callable<Integer> {

  @Mixin EtcdOptions etcd;

  @Mixin StorageOptions storage;

  @Option(names = "--namespace", paramLabel = "NS", description = "namespace whose schedules, requests and S3 "
      + "Secrets are watched; repeatable (default: the pod's own namespace, from POD_NAMESPACE or the service "
      + "account)")
  List<String> namespaces;

  @Option(names = "--sync-interval", paramLabel = "DURATION", defaultValue = "10m",
      description = "how often ETCDSnapshotFile objects are synced with the directory and S3, as a Go duration "
          + "(default: ${DEFAULT-VALUE})")
  String syncInterval;

  @Option(names = "--reverify-interval", paramLabel = "DURATION", defaultValue = "24h",
      description = "how long a stored snapshot copy (local on each agent, S3 on the leader) may go without its "
          + "structure, trailer and proven KV hash being checked again, as a Go duration; 0 disables it "
          + "(default: ${DEFAULT-VALUE})")
  String reverifyInterval;

  @Option(names = "--flavor", paramLabel = "k3s|rke2", defaultValue = "k3s",
      description = "whose label, annotation and metadata names to use (default: ${DEFAULT-VALUE})")
  String flavor;

  @Option(names = "--leader-election", paramLabel = "true|false", arity = "1", defaultValue = "true",
      description = "elect one pod by a Lease for the cluster-wide work; false when exactly one replica runs "
          + "(default: ${DEFAULT-VALUE})")
  boolean leaderElection;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "8080",
      description = "port of /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE})")
  int metricsPort;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "the server token file, read before every save to record its fingerprint (12 hex of "
          + "SHA-256, never the token) with each snapshot, as k3s does; empty for none (default: "
          + "/var/lib/rancher/<flavor>/server/token when it exists; unreadable, it is warned about and skipped)")
  String tokenFile;

  @Option(names = "--compress-threads", paramLabel = "N",
      description = "threads that compress a snapshot of a schedule or request with compress: true (default: half "
          + "the processors, at least 1, at most 4, so that etcd and the API server keep the rest)")
  Integer compressThreads;

  @Option(names = "--event-component", paramLabel = "NAME",
      description = "source component of the k3s Events we write (ETCDSnapshotCreated, ...); k3s writes "
          + "k3s-supervisor, RKE2 rke2-supervisor (default: " + OperatorConfig.DEFAULT_EVENT_COMPONENT + ")")
  String eventComponent;

  @Option(names = "--kube-system-s3-secret", paramLabel = "NAME",
      description = "a Secret in kube-system that schedules and requests may name as their S3 Secret "
          + "(spec.s3.secretRef: {name: NAME, namespace: kube-system}), as k3s keeps "
          + "<flavor>-etcd-snapshot-s3-config there; repeatable; the service account must be allowed to read it")
  List<String> kubeSystemS3Secrets;

  @Option(names = "--node-annotations", paramLabel = "true|false", arity = "1", defaultValue = "true",
      description = "write k3s's etcd.<flavor>.cattle.io/local-snapshots-timestamp and s3-snapshots-timestamp on "
          + "this node's Node after each sync (needs nodes patch; default: ${DEFAULT-VALUE})")
  boolean nodeAnnotations;

  @Override
  public Integer call() throws Exception {
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorConfig config = config(PodEnvironment.current(), client.getNamespace());
    OperatorRuntime runtime = OperatorRuntime.start(config, client, Clock.systemUTC(),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // SIGTERM: stop reconciling, release the Lease renewals and informers, then let the JVM exit.
      runtime.close();
      client.close();
      stopped.countDown();
    }, "operator-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * The validated configuration from the flags and the pod's environment.
   *
   * @param kubeconfigNamespace the kubeconfig's namespace, the last fallback for {@code --namespace} outside a pod
   * @throws IllegalArgumentException naming the flag at fault
   */
  OperatorConfig config(PodEnvironment env, String kubeconfigNamespace) {
    String podNamespace = env.podNamespace().orElse(kubeconfigNamespace);
    Set<String> watched = new LinkedHashSet<>(namespaces == null || namespaces.isEmpty()
        ? (podNamespace == null ? List.of() : List.of(podNamespace)) : namespaces);
    Duration interval;
    try {
      interval = GoDuration.parse(syncInterval);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--sync-interval " + e.getMessage(), e);
    }
    Duration reverify;
    try {
      reverify = GoDuration.parse(reverifyInterval);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--reverify-interval " + e.getMessage(), e);
    }
    String node = storage.nodeNameOrElse(env.nodeName().orElse(null));
    Path dir = storage.directory();
    boolean isDefault = dir.toAbsolutePath().normalize().equals(Path.of(StorageOptions.DEFAULT_DIR));
    Flavor parsedFlavor = Flavor.parse(flavor);
    return new OperatorConfig(node, env.podName().orElse(null), watched,
        podNamespace != null ? podNamespace : watched.stream().findFirst().orElse(null), etcd.settings(), dir, isDefault, interval,
        parsedFlavor, leaderElection, metricsPort, OperatorConfig.Timing.DEFAULT,
        TokenFile.fromFlag("--token-file", tokenFile, TokenFile.defaultPath(parsedFlavor)),
        compressThreads == null ? SnapshotZipWriter.threadsBesideEtcd() : compressThreads,
        new OperatorConfig.K3sCompat(
            eventComponent == null ? OperatorConfig.DEFAULT_EVENT_COMPONENT : eventComponent,
            kubeSystemS3Secrets == null ? Set.of() : new LinkedHashSet<>(kubeSystemS3Secrets), nodeAnnotations), reverify);
  }
}
