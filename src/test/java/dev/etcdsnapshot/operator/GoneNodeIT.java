package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotFileSpec;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.EtcdSnapshotS3;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.NameRef;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.operator.node.AgentLeases;
import dev.etcdsnapshot.testing.EtcdCluster;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The leader removes the local objects of a node that is gone — no Node object and an agent Lease not renewed for
 * {@link #GONE_AFTER} — without touching any data, and leaves alone a node whose agent is merely down (it has a Node
 * object, or its Lease was renewed recently), a Deployment-mode member (no Node object, a live agent Lease) and a node
 * our agent never ran on (no Node object and no agent Lease at all, as a k3s server run with --disable-agent).
 */
@EnableKubernetesMockClient(crud = true)
class GoneNodeIT {

  static final Duration GONE_AFTER = Duration.ofMinutes(10);

  static KubernetesClient client;
  static KubernetesMockServer server;
  static EtcdCluster etcd;
  static OperatorHarness harness;
  static MutableClock clock;

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now());
    harness = new OperatorHarness(client, server, clock);
    etcd = harness.etcd(1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static OperatorRuntime startPod(String node, String pod, Path dir) throws Exception {
    OperatorConfig.Timing fast = OperatorHarness.FAST;
    OperatorConfig.Timing timing = new OperatorConfig.Timing(fast.scheduleMaxWait(), fast.leaseDuration(),
        fast.leaseRenew(), fast.requestRecheck(), fast.agentGrace(), GONE_AFTER, fast.requestBusyRetry());
    return harness.startAgent(node, pod, etcd.member(0), dir, Duration.ofSeconds(1), timing);
  }

  static EtcdSnapshotRequest finished(EtcdSnapshotRequest r) {
    client.resource(r).create();
    return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> client
        .resources(EtcdSnapshotRequest.class).inNamespace(OperatorHarness.NS).withName(r.getMetadata().getName())
        .get(), x -> x.getStatus().getPhase() == RequestPhase.SUCCEEDED);
  }

  static EtcdSnapshotRequest request(String name, EtcdSnapshotRequestSpec spec) {
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(OperatorHarness.NS).build());
    r.setSpec(spec);
    return r;
  }

  /**
   * Moves the clock in steps shorter than the window; after each, the agent that runs has renewed its Lease at the
   * new time and the leader has looked for gone nodes with it.
   */
  static void advance(Duration total) throws InterruptedException {
    Duration step = Duration.ofMinutes(3);
    for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plus(step)) {
      clock.advance(step);
      Instant before = clock.instant().minus(step); // a Lease's renewTime is stored in microseconds: compare coarsely
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        Lease l = client.leases().inNamespace(OperatorHarness.NS).withName(AgentLeases.leaseName("member-live"))
            .get();
        return l != null && l.getSpec().getRenewTime().toInstant().isAfter(before);
      });
      awaitLeaderRound();
    }
  }

  /**
   * Waits until the leader lists the Nodes after this call: only its gone-node check does, and it reads the clock
   * after that list, so the check has then run at the current time.
   */
  static void awaitLeaderRound() throws InterruptedException {
    while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
      // what the API server saw so far
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      RecordedRequest r = server.takeRequest(100, TimeUnit.MILLISECONDS);
      if (r != null && "GET".equals(r.getMethod()) && r.getPath().split("\\?")[0].equals("/api/v1/nodes")) {
        return;
      }
    }
    throw new AssertionError("the leader did not look for gone nodes within 10 s");
  }

  @Test
  void theObjectsOfAGoneNodeAreRemovedAndItsDataIsLeftAlone() throws Exception {
    // A Deployment-mode member (no Node object) whose agent keeps running and leads.
    startPod("member-live", "pod-live", harness.newDir("member-live"));
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Lease l = client.leases().inNamespace(OperatorHarness.NS).withName(OperatorConfig.LEADER_LEASE).get();
      return l != null && "pod-live".equals(l.getSpec().getHolderIdentity());
    });
    Path goneDir = harness.newDir("node-gone");
    OperatorRuntime gone = startPod("node-gone", "pod-gone", goneDir);
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-down").endMetadata().build())
        .create();
    OperatorRuntime down = startPod("node-down", "pod-down", harness.newDir("node-down"));

    EtcdSnapshotRequestSpec all = new EtcdSnapshotRequestSpec();
    all.setNodes(List.of("member-live", "node-gone", "node-down"));
    all.setName("everywhere");
    finished(request("everywhere", all));
    // A Delete-policy object on the node that will go.
    EtcdSnapshotScheduleSpec deleting = new EtcdSnapshotScheduleSpec();
    deleting.setSuspend(true);
    deleting.setNodes(List.of("node-gone"));
    deleting.setDeletionPolicy(DeletionPolicy.DELETE);
    EtcdSnapshotSchedule schedule = new EtcdSnapshotSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("deleting").withNamespace(OperatorHarness.NS).build());
    schedule.setSpec(deleting);
    client.resource(schedule).create();
    EtcdSnapshotRequestSpec viaSchedule = new EtcdSnapshotRequestSpec();
    NameRef ref = new NameRef();
    ref.setName("deleting");
    viaSchedule.setScheduleRef(ref);
    viaSchedule.setName("doomed");
    finished(request("doomed", viaSchedule));
    // An S3 object uploaded by that node: S3 objects are never a node's to lose.
    EtcdSnapshotFile s3Object = s3ObjectUploadedBy("node-gone");
    // Objects of an agentless k3s server (no Node object, never an agent of ours, so no Lease), one of them a
    // Delete-policy object being deleted: not ours to clean, whatever the clock says.
    EtcdSnapshotFile agentless = localObjectOf("server-agentless", "plain", false);
    EtcdSnapshotFile agentlessDeleting = localObjectOf("server-agentless", "deleting", true);
    client.resource(agentlessDeleting).delete();

    List<EtcdSnapshotFile> goneObjects = harness.objects("node-gone");
    assertThat(goneObjects).extracting(o -> o.getSpec().getSnapshotName())
        .anyMatch(n -> n.startsWith("everywhere-node-gone-")).anyMatch(n -> n.startsWith("doomed-node-gone-"));
    EtcdSnapshotFile doomed = goneObjects.stream().filter(o -> o.getSpec().getSnapshotName().startsWith("doomed-"))
        .findFirst().orElseThrow();
    assertThat(doomed.getMetadata().getFinalizers()).contains("etcdsnapshot.dev/snapshot-data");
    List<String> goneFiles = OperatorHarness.files(goneDir);
    assertThat(goneFiles).hasSize(2);

    // Both agents stop; the Delete-policy object is deleted meanwhile and hangs, as nobody can reach its file.
    harness.stop(gone);
    harness.stop(down);
    client.resource(doomed).delete();
    awaitLeaderRound();
    assertThat(client.resource(doomed).get().getMetadata().getDeletionTimestamp()).isNotNull();

    // Down for less than the window (a rolling update, a reboot): nothing happens.
    advance(Duration.ofMinutes(6));
    assertThat(harness.objects("node-gone")).hasSize(2);

    // Past the window: node-gone is gone, node-down has its Node object, member-live its agent's Lease.
    advance(Duration.ofMinutes(6));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(harness.objects("node-gone")).isEmpty());
    assertThat(OperatorHarness.files(goneDir)).as("no data deleted").isEqualTo(goneFiles);
    assertThat(harness.objects("node-down")).hasSize(1);
    assertThat(harness.objects("member-live")).hasSize(1);
    assertThat(client.resource(s3Object).get()).as("S3 objects stay").isNotNull();
    assertThat(client.resource(agentless).get()).as("a node without a Lease is not gone").isNotNull()
        .satisfies(o -> assertThat(o.getMetadata().getDeletionTimestamp()).isNull());
    assertThat(client.resource(agentlessDeleting).get()).as("its finalizer is not ours to release").isNotNull()
        .satisfies(o -> assertThat(o.getMetadata().getFinalizers()).contains("etcdsnapshot.dev/snapshot-data"));

    // The Events follow the deletions they report: wait for the last of them first.
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(harness.events("default",
        "ETCDSnapshotDeleted")).extracting(e -> e.getInvolvedObject().getName())
        .containsAll(goneObjects.stream().map(o -> o.getMetadata().getName()).toList()));
    assertThat(harness.events("default", "ETCDSnapshotNodeGone")).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
      assertThat(e.getInvolvedObject().getName()).isEqualTo("node-gone");
      assertThat(e.getMessage()).startsWith("Node node-gone is gone (no Node object, and its agent Lease was last "
          + "renewed at ").contains("removing its 2 local ETCDSnapshotFile object(s)");
    });
    assertThat(harness.events("default", "ETCDSnapshotDeleteFailed"))
        .filteredOn(e -> doomed.getMetadata().getName().equals(e.getInvolvedObject().getName()))
        .singleElement().satisfies(e -> assertThat(e.getMessage()).contains("node node-gone is gone")
            .contains("the data (if any) is kept"));
    assertThat(harness.events("default", "ETCDSnapshotDeleted")).extracting(e -> e.getInvolvedObject().getName())
        .containsAll(goneObjects.stream().map(o -> o.getMetadata().getName()).toList());
  }

  /** A local object of a node no agent of ours runs on, optionally a Delete-policy one carrying our finalizer. */
  static EtcdSnapshotFile localObjectOf(String node, String name, boolean deletePolicy) {
    EtcdSnapshotFile f = new EtcdSnapshotFile();
    ObjectMetaBuilder meta = new ObjectMetaBuilder().withName("local-" + name + "-" + node + "-1700000000")
        .withLabels(Map.of("etcd.k3s.cattle.io/snapshot-storage-node", node));
    if (deletePolicy) {
      meta.withFinalizers("etcdsnapshot.dev/snapshot-data")
          .withAnnotations(Map.of("etcdsnapshot.dev/deletion-policy", "Delete"));
    }
    f.setMetadata(meta.build());
    EtcdSnapshotFileSpec spec = new EtcdSnapshotFileSpec();
    spec.setSnapshotName(name + "-" + node + "-1700000000");
    spec.setNodeName(node);
    spec.setLocation("file:///var/lib/rancher/k3s/server/db/snapshots/" + name + "-" + node + "-1700000000");
    f.setSpec(spec);
    return client.resource(f).create();
  }

  /** An S3 object as the S3 sync of a store no schedule or request uses any more would have left it. */
  static EtcdSnapshotFile s3ObjectUploadedBy(String node) {
    EtcdSnapshotFile f = new EtcdSnapshotFile();
    f.setMetadata(new ObjectMetaBuilder().withName("s3-old-" + node + "-1700000000-abcdef")
        .withLabels(Map.of("etcd.k3s.cattle.io/snapshot-storage-node", "s3")).build());
    EtcdSnapshotFileSpec spec = new EtcdSnapshotFileSpec();
    spec.setSnapshotName("old-" + node + "-1700000000");
    spec.setNodeName(node);
    spec.setLocation("s3://unused/old-" + node + "-1700000000");
    EtcdSnapshotS3 s3 = new EtcdSnapshotS3();
    s3.setBucket("unused");
    spec.setS3(s3);
    f.setSpec(spec);
    return client.resource(f).create();
  }
}
