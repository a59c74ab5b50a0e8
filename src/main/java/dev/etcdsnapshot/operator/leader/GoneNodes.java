package dev.etcdsnapshot.operator.leader;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.operator.inventory.SnapshotFileFinalizer;
import dev.etcdsnapshot.operator.node.AgentLeases;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's clean-up of local ETCDSnapshotFile objects whose node is gone (k3s-compat §7.2 step 6, where k3s
 * deletes the objects of nodes that are not etcd nodes). Nobody else can remove them: only a node's own agent syncs
 * its objects and runs their finalizer, so without this they stay forever and a Delete-policy one hangs in
 * Terminating.
 *
 * <p>A node is gone when there is no etcd Node of that name <em>and</em> it has an agent Lease that has not been
 * renewed within {@code goneAfter} (generous: far longer than a rolling update or a reboot). An etcd Node is a Node
 * object, and — when the cluster labels its etcd nodes, i.e. some Node carries {@code node-role.kubernetes.io/etcd=true}
 * as k3s and RKE2 label theirs — one with that label: k3s deletes the objects of every node not so labelled
 * (pkg/etcd/snapshot.go reconcileSnapshotData), so a server turned agent loses them; we do the same once its agent
 * has stopped renewing too. Clusters that label no node (kubeadm) are judged by Node objects alone. Both are needed: in
 * Deployment mode (external etcd) the node is an etcd member's name with no Node object, and only its agent's Lease
 * keeps its objects; in DaemonSet mode a Node object keeps them however long its agent is down. A node with no agent
 * Lease at all is never gone: our agents never ran there (a k3s server started with {@code --disable-agent} has no
 * Node object and no DaemonSet pod, or the objects were made by k3s or someone else), so its objects are not ours to
 * clean. When either list cannot be read, nothing is done. For a gone node its local objects (never S3 ones) are
 * deleted and our finalizer released without deleting any data — the files were on that node, out of reach — with
 * a Warning naming the node.
 */
public final class GoneNodes {

  private static final Logger LOG = LoggerFactory.getLogger(GoneNodes.class);

  private final KubernetesClient client;
  private final AgentLeases leases;
  private final SnapshotFileFinalizer finalizer;
  private final SnapshotEvents events;
  private final String storageNodeLabel;
  private final Clock clock;
  private final Duration goneAfter;

  /**
   * @param goneAfter how long after its agent Lease was last renewed a node without a Node object counts as gone
   *     (a node without any agent Lease never does)
   */
  public GoneNodes(KubernetesClient client, AgentLeases leases, SnapshotFileFinalizer finalizer,
      SnapshotEvents events, Flavor flavor, Clock clock, Duration goneAfter) {
    this.client = client;
    this.leases = leases;
    this.finalizer = finalizer;
    this.events = events;
    this.storageNodeLabel = SnapshotLabels.storageNodeLabel(flavor);
    this.clock = clock;
    this.goneAfter = goneAfter;
  }

  /**
   * Removes the local objects of every gone node.
   *
   * @return the nodes found gone (whose objects were removed, as far as the API server allowed)
   */
  public Set<String> cleanUp() {
    Map<String, List<EtcdSnapshotFile>> byNode = client.resources(EtcdSnapshotFile.class).withLabel(storageNodeLabel)
        .list().getItems().stream()
        .filter(f -> !isS3(f))
        .collect(Collectors.groupingBy(f -> f.getMetadata().getLabels().get(storageNodeLabel), TreeMap::new,
            Collectors.toList()));
    if (byNode.isEmpty()) {
      return Set.of();
    }
    Set<String> nodes;
    Set<String> present;
    Map<String, Instant> renewals;
    try {
      List<Node> all = client.nodes().list().getItems();
      nodes = etcdNodes(all);
      present = all.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
      renewals = leases.lastRenewals();
    } catch (KubernetesClientException e) {
      LOG.warn("Cannot tell which nodes are gone (HTTP {}): their objects stay for now", e.getCode());
      return Set.of();
    }
    Instant now = clock.instant();
    Set<String> gone = new TreeSet<>();
    byNode.forEach((node, files) -> {
      Instant renewed = renewals.get(node);
      if (nodes.contains(node)) {
        return;
      }
      if (renewed == null) {
        // No agent of ours ever ran there (an agentless k3s server, or objects someone else made): not ours.
        LOG.debug("Node {} has no Node object and no agent Lease: its {} local ETCDSnapshotFile objects are not "
            + "ours to clean, leaving them", node, files.size());
        return;
      }
      if (renewed.plus(goneAfter).isAfter(now)) {
        return;
      }
      gone.add(node);
      String why = (present.contains(node) ? "its Node is not labelled " + ETCD_ROLE_LABEL + "=true"
          : "no Node object") + ", and its agent Lease was last renewed at " + renewed + ", more than "
          + goneAfter.toMinutes() + " minutes ago";
      LOG.info("Node {} is gone ({}): removing its {} local ETCDSnapshotFile objects", node, why, files.size());
      events.nodeGone(node, files.size(), why);
      files.forEach(f -> forget(f, node));
    });
    return gone;
  }

  /** The label k3s and RKE2 put on their etcd nodes (k3s-io/k3s pkg/util ETCDRoleLabelKey). */
  static final String ETCD_ROLE_LABEL = "node-role.kubernetes.io/etcd";

  /** The etcd nodes' names: those labelled as such, or every Node when the cluster labels none. */
  static Set<String> etcdNodes(List<Node> all) {
    Set<String> labelled = all.stream()
        .filter(n -> n.getMetadata().getLabels() != null
            && "true".equals(n.getMetadata().getLabels().get(ETCD_ROLE_LABEL)))
        .map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
    return !labelled.isEmpty() ? labelled
        : all.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
  }

  /** Deletes one object of a gone node, releasing our finalizer without touching data. */
  private void forget(EtcdSnapshotFile file, String node) {
    try {
      if (!finalizer.release(file, "node " + node + " is gone and its snapshot file with it, out of reach")) {
        return; // gone already
      }
      if (file.getMetadata().getDeletionTimestamp() == null) {
        client.resources(EtcdSnapshotFile.class).withName(file.getMetadata().getName()).delete();
      }
      events.deleted(file);
    } catch (KubernetesClientException e) {
      // A conflict (someone changed it meanwhile) or a refusal: the next interval tries again.
      LOG.warn("Removing {} of gone node {} failed: HTTP {}", file.getMetadata().getName(), node, e.getCode());
    }
  }

  private boolean isS3(EtcdSnapshotFile file) {
    String location = file.getSpec() == null ? null : file.getSpec().getLocation();
    return SnapshotLabels.STORAGE_NODE_S3.equals(file.getMetadata().getLabels().get(storageNodeLabel))
        || (location != null && location.startsWith("s3://"));
  }
}
