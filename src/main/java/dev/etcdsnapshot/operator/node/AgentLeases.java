package dev.etcdsnapshot.operator.node;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The per-node agent Leases ({@code coordination.k8s.io/v1}, {@code etcd-snapshot-agent-<node>} in the operator's
 * namespace) by which the leader knows which nodes have a live agent: each agent renews its own, the leader lists
 * them. A Lease whose renew time plus duration has passed means the agent is gone.
 */
public final class AgentLeases {

  /** Prefix of every agent Lease name. */
  public static final String NAME_PREFIX = "etcd-snapshot-agent-";

  /** Label on agent Leases, so the leader lists only those. */
  public static final String AGENT_LABEL = "etcdsnapshot.dev/agent-node";

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final Duration leaseDuration;

  public AgentLeases(KubernetesClient client, String namespace, Clock clock, Duration leaseDuration) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
    this.leaseDuration = leaseDuration;
  }

  /** The Lease name for a node. */
  public static String leaseName(String node) {
    return NAME_PREFIX + node;
  }

  /** Creates or renews the Lease of {@code node}, holder {@code identity} (the pod). */
  public void renew(String node, String identity) {
    ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    var resource = client.leases().inNamespace(namespace).withName(leaseName(node));
    Lease existing = resource.get();
    if (existing == null) {
      try {
        client.leases().inNamespace(namespace).resource(new LeaseBuilder()
            .withNewMetadata().withName(leaseName(node)).addToLabels(AGENT_LABEL, node).endMetadata()
            .withNewSpec().withHolderIdentity(identity).withAcquireTime(now).withRenewTime(now)
            .withLeaseDurationSeconds((int) leaseDuration.toSeconds()).endSpec()
            .build()).create();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        existing = resource.get();
      }
    }
    // acquireTime says since when the current holder has held it, as for any Lease: two live pods of one node
    // take turns and keep resetting it, so an old acquireTime proves the previous holder stopped renewing.
    if (!identity.equals(existing.getSpec().getHolderIdentity()) || existing.getSpec().getAcquireTime() == null) {
      existing.getSpec().setAcquireTime(now);
    }
    existing.getSpec().setHolderIdentity(identity);
    existing.getSpec().setRenewTime(now);
    existing.getSpec().setLeaseDurationSeconds((int) leaseDuration.toSeconds());
    // A conflict means another writer renewed it a moment ago: the next renewal catches up.
    try {
      client.leases().inNamespace(namespace).resource(existing).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** The nodes whose agent Lease is still valid now. */
  public Set<String> liveNodes() {
    return liveAgents().keySet();
  }

  /** Node name to the identity (pod) of its live agent, for every node whose agent Lease is still valid now. */
  public Map<String, String> liveAgents() {
    Instant now = clock.instant();
    Map<String, String> live = new TreeMap<>();
    for (Lease lease : client.leases().inNamespace(namespace).withLabel(AGENT_LABEL).list().getItems()) {
      String node = lease.getMetadata().getLabels().get(AGENT_LABEL);
      if (node != null && valid(lease, now)) {
        live.put(node, lease.getSpec().getHolderIdentity());
      }
    }
    return live;
  }

  /**
   * The holder of a node's agent Lease.
   *
   * @param identity the pod that renewed it last
   * @param acquired since when that pod has held it without another pod renewing in between
   * @param renewed when it was last renewed
   */
  public record Holder(String identity, Instant acquired, Instant renewed) {}

  /** The holder of {@code node}'s agent Lease, valid or not; empty when there is no such Lease. */
  public Optional<Holder> holder(String node) {
    Lease lease = client.leases().inNamespace(namespace).withName(leaseName(node)).get();
    if (lease == null || lease.getSpec() == null || lease.getSpec().getRenewTime() == null) {
      return Optional.empty();
    }
    var spec = lease.getSpec();
    Instant renewed = spec.getRenewTime().toInstant();
    return Optional.of(new Holder(spec.getHolderIdentity(),
        spec.getAcquireTime() == null ? renewed : spec.getAcquireTime().toInstant(), renewed));
  }

  /**
   * When each node's agent Lease was last renewed, expired ones included: the leader's evidence of which nodes
   * still have (or recently had) an agent.
   */
  public Map<String, Instant> lastRenewals() {
    Map<String, Instant> renewed = new TreeMap<>();
    for (Lease lease : client.leases().inNamespace(namespace).withLabel(AGENT_LABEL).list().getItems()) {
      String node = lease.getMetadata().getLabels().get(AGENT_LABEL);
      if (node != null && lease.getSpec() != null && lease.getSpec().getRenewTime() != null) {
        renewed.merge(node, lease.getSpec().getRenewTime().toInstant(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    return renewed;
  }

  /** How long an agent Lease is valid without renewal. */
  public Duration leaseDuration() {
    return leaseDuration;
  }

  private static boolean valid(Lease lease, Instant now) {
    var spec = lease.getSpec();
    if (spec == null || spec.getRenewTime() == null || spec.getLeaseDurationSeconds() == null) {
      return false;
    }
    return spec.getRenewTime().toInstant().plusSeconds(spec.getLeaseDurationSeconds()).isAfter(now);
  }
}
