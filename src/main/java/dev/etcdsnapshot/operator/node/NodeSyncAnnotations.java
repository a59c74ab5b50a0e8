package dev.etcdsnapshot.operator.node;

import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.storage.StorageKind;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * k3s's reconcile timestamps on the syncing server's own Node (k3s-io/k3s pkg/etcd/snapshot.go
 * reconcileSnapshotData): {@code etcd.<flavor>.cattle.io/local-snapshots-timestamp} after a sync of the node's
 * directory, {@code s3-snapshots-timestamp} after a sync of S3, RFC3339 in seconds. k3s's legacy-ConfigMap
 * controller waits for them, and tools read them to see that snapshots are being reconciled.
 *
 * <p>A JSON merge patch of the annotations alone (k3s sends a JSON patch {@code add}; a merge patch does the same
 * without failing on a Node that has no annotations yet). A node without a Node object (an external etcd member)
 * is skipped; a refusal is logged once, never allowed to fail the sync.
 */
public final class NodeSyncAnnotations {

  private static final Logger LOG = LoggerFactory.getLogger(NodeSyncAnnotations.class);

  private final KubernetesClient client;
  private final String node;
  private final Flavor flavor;
  private final Clock clock;
  private final AtomicBoolean refusalLogged = new AtomicBoolean();

  public NodeSyncAnnotations(KubernetesClient client, String node, Flavor flavor, Clock clock) {
    this.client = client;
    this.node = node;
    this.flavor = flavor;
    this.clock = clock;
  }

  /** Records that {@code kind} storage was just synced; true when the Node carries the new time. */
  public boolean synced(StorageKind kind) {
    String key = kind == StorageKind.S3 ? SnapshotLabels.s3SyncTimestampAnnotation(flavor)
        : SnapshotLabels.localSyncTimestampAnnotation(flavor);
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    String patch = Serialization.asJson(Map.of("metadata", Map.of("annotations", Map.of(key, now))));
    try {
      client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        LOG.debug("No Node {} to annotate with {} (an external etcd member?)", node, key);
      } else if (refusalLogged.compareAndSet(false, true)) {
        LOG.warn("Cannot annotate Node {} with {} (HTTP {}): k3s's reconcile timestamps stay unset; grant "
            + "'patch' on nodes or run with --node-annotations=false", node, key, e.getCode());
      }
      return false;
    }
  }
}
