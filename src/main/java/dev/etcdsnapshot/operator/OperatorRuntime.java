package dev.etcdsnapshot.operator;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.engine.SnapshotSource;
import dev.etcdsnapshot.engine.etcd.EtcdSnapshotSource;
import dev.etcdsnapshot.operator.metrics.OperatorHttpServer;
import dev.etcdsnapshot.operator.reverify.Reverification;
import dev.etcdsnapshot.operator.schedule.ScheduleReverifications;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operator process: the {@link AgentDuty} for its own node (schedules, requests, local objects and their
 * finalizer, the agent Lease, the local sync loop) and the {@link LeaderDuty} (request phases and TTL, S3 objects'
 * finalizer, the S3 sync and the clean-up of gone nodes), which acts only while this pod holds the leader Lease
 * {@value OperatorConfig#LEADER_LEASE}. Each duty runs its own JOSDK {@link Operator}, because JOSDK elects a
 * leader per Operator and the agent duty must run on every pod.
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

  private final RuntimeParts parts;
  private final AgentDuty agent;
  private final LeaderDuty leader;
  private final OperatorHttpServer http;
  private final AutoCloseable ownedSource;
  private final Reverification reverification;

  private OperatorRuntime(RuntimeParts parts, AgentDuty agent, LeaderDuty leader, OperatorHttpServer http,
      AutoCloseable ownedSource, Reverification reverification) {
    this.parts = parts;
    this.reverification = reverification;
    this.agent = agent;
    this.leader = leader;
    this.http = http;
    this.ownedSource = ownedSource;
  }

  /**
   * Wires and starts everything, taking snapshots from the etcd member {@code config.etcd()} names.
   *
   * @param client the API client (not closed by {@link #close()})
   * @param clock the only source of time for schedules, statuses and records
   * @param registry where metrics go; served on {@code /metrics}
   * @param exitOnLostLeadership whether losing the leader Lease ends the process (production: yes, so a fresh pod
   *     competes again; tests: no)
   */
  public static OperatorRuntime start(OperatorConfig config, KubernetesClient client, Clock clock,
      PrometheusMeterRegistry registry, boolean exitOnLostLeadership) throws IOException {
    return startOnEtcd(config, client, clock, registry, exitOnLostLeadership, Metrics.NOOP);
  }

  private static OperatorRuntime startOnEtcd(OperatorConfig config, KubernetesClient client, Clock clock,
      PrometheusMeterRegistry registry, boolean exitOnLostLeadership, Metrics reconcileObserver) throws IOException {
    EtcdSnapshotSource source = EtcdSnapshotSource.forSingleEndpoint(config.etcd());
    try {
      return start(config, client, clock, registry, exitOnLostLeadership, source, source, reconcileObserver);
    } catch (IOException | RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /**
   * As {@link #start(OperatorConfig, KubernetesClient, Clock, PrometheusMeterRegistry, boolean)}, with the snapshot
   * bytes from {@code source} (which the caller closes). A source that is also an {@link
   * dev.etcdsnapshot.engine.MemberKvHash} proves {@code verify: content} snapshots; any other skips the proof.
   */
  public static OperatorRuntime start(OperatorConfig config, KubernetesClient client, Clock clock,
      PrometheusMeterRegistry registry, boolean exitOnLostLeadership, SnapshotSource source) throws IOException {
    return start(config, client, clock, registry, exitOnLostLeadership, source, () -> { }, Metrics.NOOP);
  }

  /**
   * For tests: as the public overloads without leader-exit, taking snapshots from {@code source} or, when it is
   * null, from the etcd member {@code config.etcd()} names; {@code reconcileObserver} is told of every
   * reconciliation of both duties (JOSDK's {@link Metrics} callbacks, beside the Prometheus ones), which is how a
   * test proves that an agent has looked at a resource again before it asserts that nothing happened.
   */
  static OperatorRuntime start(OperatorConfig config, KubernetesClient client, Clock clock,
      PrometheusMeterRegistry registry, SnapshotSource source, Metrics reconcileObserver) throws IOException {
    return source == null ? startOnEtcd(config, client, clock, registry, false, reconcileObserver)
        : start(config, client, clock, registry, false, source, () -> { }, reconcileObserver);
  }

  private static OperatorRuntime start(OperatorConfig config, KubernetesClient client, Clock clock,
      PrometheusMeterRegistry registry, boolean exitOnLostLeadership, SnapshotSource source,
      AutoCloseable ownedSource, Metrics reconcileObserver) throws IOException {
    RuntimeParts parts = RuntimeParts.of(config, client, clock, registry, reconcileObserver);
    AgentDuty agent;
    LeaderDuty leader;
    try {
      agent = new AgentDuty(parts, source);
      leader = new LeaderDuty(parts, exitOnLostLeadership);
    } catch (IOException | RuntimeException e) {
      parts.close(); // e.g. a snapshot directory that cannot be used: no informer is left running
      throw e;
    }
    agent.start();
    leader.start();
    leader.startLoop();
    // Stored copies are re-checked on timers of their own: the agent its node's files, the leader the S3 objects.
    Reverification reverification = Reverification.start(client, config.flavor(), agent.local(), parts.s3Stores(),
        Path.of(System.getProperty("java.io.tmpdir")), AgentDuty.MAX_INFLATED_BYTES, parts.snapshotEvents(),
        parts.metrics(), clock, config.reverifyInterval(), leader::leading,
        new ScheduleReverifications(parts.schedules(), parts.writer(), clock));
    OperatorHttpServer http = OperatorHttpServer.start(new InetSocketAddress(config.metricsPort()), registry,
        agent::healthy);
    LOG.info("Operator started on node {} (pod {}), watching namespaces {}; metrics on port {}", config.nodeName(),
        config.identity(), config.namespaces(), http.port());
    return new OperatorRuntime(parts, agent, leader, http, ownedSource, reverification);
  }

  /** The port /metrics, /healthz and /readyz are served on. */
  public int httpPort() {
    return http.port();
  }

  /**
   * Stops both duties, the Lease renewal, the sync loops and the HTTP endpoint; the client stays open. First the
   * saves and uploads in flight are interrupted and awaited for at most {@link #SHUTDOWN_DEADLINE}, so that an
   * upload aborts its multipart upload before the process exits.
   */
  @Override
  public void close() {
    try {
      if (!agent.interruptRuns(SHUTDOWN_DEADLINE)) {
        LOG.warn("A snapshot save or upload was still running {} after shutdown interrupted it", SHUTDOWN_DEADLINE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reverification.close();
    agent.close();
    leader.close();
    leader.stopOperator();
    agent.stopOperator();
    parts.close();
    http.close();
    try {
      ownedSource.close();
    } catch (Exception e) {
      LOG.debug("Closing the snapshot source failed: {}", e.getMessage());
    }
  }

  static void stopQuietly(Operator operator) {
    try {
      operator.stop();
    } catch (RuntimeException e) {
      LOG.warn("Stopping an operator failed: {}", e.getMessage());
    }
  }
}
