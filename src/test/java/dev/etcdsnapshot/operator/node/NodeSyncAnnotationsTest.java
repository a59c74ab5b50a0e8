package dev.etcdsnapshot.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.operator.MutableClock;
import dev.etcdsnapshot.storage.StorageKind;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * k3s pkg/etcd/snapshot.go reconcileSnapshotData ends by writing local-snapshots-timestamp (and, with S3,
 * s3-snapshots-timestamp) on its own Node, RFC3339.
 */
@EnableKubernetesMockClient(crud = true)
class NodeSyncAnnotationsTest {

  static KubernetesClient client;

  final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00.600Z"));

  @Test
  void eachSyncStampsTheOwnNodeAsK3sDoes() {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("server-1")
        .withAnnotations(Map.of("keep", "me")).endMetadata().build()).create();
    NodeSyncAnnotations annotations = new NodeSyncAnnotations(client, "server-1", Flavor.K3S, clock);

    assertThat(annotations.synced(StorageKind.LOCAL)).isTrue();
    clock.advance(Duration.ofMinutes(10));
    assertThat(annotations.synced(StorageKind.S3)).isTrue();

    assertThat(client.nodes().withName("server-1").get().getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "keep", "me",
        "etcd.k3s.cattle.io/local-snapshots-timestamp", "2026-12-03T10:00:00Z",
        "etcd.k3s.cattle.io/s3-snapshots-timestamp", "2026-12-03T10:10:00Z"));
  }

  @Test
  void rke2KeysAndANodeWithoutAnnotations() {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("rke2-1").endMetadata().build()).create();
    new NodeSyncAnnotations(client, "rke2-1", Flavor.RKE2, clock).synced(StorageKind.LOCAL);
    assertThat(client.nodes().withName("rke2-1").get().getMetadata().getAnnotations())
        .containsExactly(Map.entry("etcd.rke2.cattle.io/local-snapshots-timestamp", "2026-12-03T10:00:00Z"));
  }

  @Test
  void aMemberWithoutANodeObjectIsSkipped() {
    assertThat(new NodeSyncAnnotations(client, "external-etcd", Flavor.K3S, clock).synced(StorageKind.LOCAL)).isFalse();
    assertThat(client.nodes().withName("external-etcd").get()).isNull();
  }
}
