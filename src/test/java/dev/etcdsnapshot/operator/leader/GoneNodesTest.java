package dev.etcdsnapshot.operator.leader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotFileSpec;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.TestCrds;
import dev.etcdsnapshot.operator.MutableClock;
import dev.etcdsnapshot.operator.events.SnapshotEvents;
import dev.etcdsnapshot.operator.inventory.SnapshotFileFinalizer;
import dev.etcdsnapshot.operator.node.AgentLeases;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gone-node clean-up honours k3s's etcd role label: k3s deletes the local objects of every node not labelled
 * node-role.kubernetes.io/etcd=true (k3s-io/k3s pkg/etcd/snapshot.go reconcileSnapshotData).
 */
@EnableKubernetesMockClient(crud = true)
class GoneNodesTest {

  static KubernetesClient client;

  static final Duration GONE_AFTER = Duration.ofHours(1);
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
  AgentLeases leases;
  GoneNodes gone;

  @BeforeEach
  void setUp() {
    if (client.apiextensions().v1().customResourceDefinitions().withName(EtcdSnapshotFile.CRD_NAME).get() == null) {
      TestCrds.create(client);
    }
    client.resources(EtcdSnapshotFile.class).delete();
    client.nodes().delete();
    leases = new AgentLeases(client, "ops", clock, Duration.ofSeconds(30));
    SnapshotEvents events = new SnapshotEvents(client, clock, "leader");
    gone = new GoneNodes(client, leases, new SnapshotFileFinalizer(client, data -> {}, events, Flavor.K3S), events,
        Flavor.K3S, clock, GONE_AFTER);
  }

  @Test
  void aNodeThatLostItsEtcdRoleIsGoneOnceItsAgentStopped() {
    node("server-1", true);
    node("demoted", false);
    object("server-1");
    object("demoted");
    leases.renew("server-1", "pod-1");
    leases.renew("demoted", "pod-2");

    assertThat(gone.cleanUp()).as("its agent still renews").isEmpty();

    clock.advance(GONE_AFTER.plusMinutes(1));
    leases.renew("server-1", "pod-1");
    assertThat(gone.cleanUp()).containsExactly("demoted");
    assertThat(client.resources(EtcdSnapshotFile.class).list().getItems())
        .extracting(f -> f.getSpec().getNodeName()).containsExactly("server-1");
  }

  @Test
  void withoutAnyEtcdLabelledNodeEveryNodeObjectCounts() {
    node("kubeadm-1", false);
    object("kubeadm-1");
    leases.renew("kubeadm-1", "pod-1");
    clock.advance(GONE_AFTER.plusMinutes(1));

    assertThat(gone.cleanUp()).as("a kubeadm cluster labels no etcd node").isEmpty();
    assertThat(client.resources(EtcdSnapshotFile.class).list().getItems()).hasSize(1);
  }

  static void node(String name, boolean etcd) {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
        .withLabels(etcd ? Map.of(GoneNodes.ETCD_ROLE_LABEL, "true") : Map.of()).endMetadata().build()).create();
  }

  static void object(String node) {
    EtcdSnapshotFileSpec spec = new EtcdSnapshotFileSpec();
    spec.setSnapshotName("etcd-snapshot-" + node + "-1700000000");
    spec.setNodeName(node);
    spec.setLocation("file:///snapshots/etcd-snapshot-" + node + "-1700000000");
    EtcdSnapshotFile f = new EtcdSnapshotFile();
    f.setMetadata(new ObjectMetaBuilder().withName("local-etcd-snapshot-" + node + "-1700000000-abcdef")
        .withLabels(Map.of("etcd.k3s.cattle.io/snapshot-storage-node", node)).build());
    f.setSpec(spec);
    client.resource(f).create();
  }
}
