package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.operator.schedule.CronSchedule;
import dev.etcdsnapshot.testing.EtcdCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One node served by two agent pods at once (as during a rollout or a leader change): a slot is taken once; and the
 * agent's sync keeps the node's objects a mirror of its directory.
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentIT {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static EtcdCluster etcd;
  static OperatorHarness harness;
  static MutableClock clock;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now());
    harness = new OperatorHarness(client, server, clock);
    etcd = harness.etcd(1);
    dir = Files.createTempDirectory("agent-it-").resolve("snapshots");
    Files.createDirectories(dir);
    client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("node-r")
        .endMetadata().build()).create();
    harness.startAgent("node-r", "pod-1", etcd.member(0), dir, Duration.ofSeconds(1));
    harness.startAgent("node-r", "pod-2", etcd.member(0), dir, Duration.ofSeconds(1));
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
    if (dir != null) {
      try (var walk = Files.walk(dir.getParent())) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  static EtcdSnapshotSchedule get(String name) {
    return client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName(name).get();
  }

  @Test
  @Order(1)
  void twoAgentsOfOneNodeTakeEachSlotExactlyOnce() throws Exception {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("*/5 * * * *");
    spec.setName("race");
    EtcdSnapshotSchedule s = new EtcdSnapshotSchedule();
    s.setMetadata(new ObjectMetaBuilder().withName("race").withNamespace(OperatorHarness.NS).build());
    s.setSpec(spec);
    s = client.resource(s).create();
    CronSchedule cron = CronSchedule.parse("*/5 * * * *", "UTC");
    Instant slot = cron.nextAfter(Instant.parse(s.getMetadata().getCreationTimestamp())).get();

    for (int round = 1; round <= 3; round++) {
      Instant current = slot;
      clock.set(current.plusSeconds(1));
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .untilAsserted(() -> assertThat(get("race").getStatus().getNodes())
          .singleElement().satisfies(e -> {
            assertThat(e.getLastScheduleTime()).isEqualTo(current.toString());
            assertThat(e.getPhase()).isEqualTo("Succeeded");
          }));
      // Both pods have looked at the schedule again since the slot succeeded: a duplicate run would have claimed
      // the slot anew (another agent, Running) and written a second file.
      String claimedBy = get("race").getStatus().getNodes().get(0).getAgent();
      harness.awaitReconciledAgain(get("race"));
      assertThat(get("race").getStatus().getNodes()).singleElement().satisfies(e -> {
        assertThat(e.getLastScheduleTime()).isEqualTo(current.toString());
        assertThat(e.getAgent()).isEqualTo(claimedBy);
        assertThat(e.getPhase()).isEqualTo("Succeeded");
      });
      int expected = round;
      assertThat(OperatorHarness.files(dir)).filteredOn(f -> f.startsWith("race-")).hasSize(expected);
      slot = cron.nextAfter(current).get();
    }
    assertThat(harness.events(OperatorHarness.NS, "SnapshotTaken"))
        .filteredOn(e -> "race".equals(e.getInvolvedObject().getName())).hasSize(3);
    assertThat(harness.events(OperatorHarness.NS, "SnapshotSkipped")).isEmpty();
    List<ScheduleNodeStatus> nodes = get("race").getStatus().getNodes();
    assertThat(nodes).extracting(ScheduleNodeStatus::getNode).containsExactly("node-r");
    client.resource(get("race")).delete();
  }

  @Test
  @Order(2)
  void foundFilesGetObjectsAndStaleObjectsGo() throws Exception {
    String taken = OperatorHarness.files(dir).stream().filter(f -> f.startsWith("race-")).findFirst().orElseThrow();
    String found = "found-node-r-1700000000";
    Files.copy(dir.resolve(taken), dir.resolve(found));

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(harness.objects("node-r"))
        .anySatisfy(o -> {
          assertThat(o.getSpec().getSnapshotName()).isEqualTo(found);
          assertThat(o.getStatus().getReadyToUse()).isTrue();
          assertThat(o.getMetadata().getName()).startsWith("local-found-node-r-1700000000-");
        }));

    String foundObject = harness.objects("node-r").stream().filter(o -> found.equals(o.getSpec().getSnapshotName()))
        .findFirst().orElseThrow().getMetadata().getName();
    Files.delete(dir.resolve(found));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(harness.objects("node-r"))
        .noneMatch(o -> found.equals(o.getSpec().getSnapshotName())));
    // As k3s, whose finalizer handler reports every deletion: once, though the sync that removed it and both
    // pods' watches all saw it go. Wait for the first, then give the others time to (wrongly) add a second.
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(harness.events("default",
        "ETCDSnapshotDeleted")).anyMatch(e -> foundObject.equals(e.getInvolvedObject().getName())));
    awaitBothPodsSynced();
    assertThat(harness.events("default", "ETCDSnapshotDeleted"))
        .filteredOn(e -> foundObject.equals(e.getInvolvedObject().getName()))
        .singleElement().satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Normal");
          assertThat(e.getMessage()).isEqualTo("Snapshot " + found + " deleted");
        });
    assertThat(harness.objects("node-r")).extracting(o -> o.getSpec().getSnapshotName())
        .as("objects of files still there are kept").contains(taken);
    assertThat(client.resources(EtcdSnapshotFile.class).list().getItems())
        .allSatisfy(o -> assertThat(Files.exists(Path.of(o.getSpec().getLocation().substring("file://".length()))))
            .isTrue());
    // k3s pkg/etcd/snapshot.go: every reconcile stamps the server's own Node, RFC3339 in seconds.
    assertThat(client.nodes().withName("node-r").get().getMetadata().getAnnotations())
        .hasEntrySatisfying("etcd.k3s.cattle.io/local-snapshots-timestamp",
            v -> assertThat(v).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"))
        .doesNotContainKey("etcd.k3s.cattle.io/s3-snapshots-timestamp");
  }

  @Test
  @Order(3)
  void deletingARetainObjectIsReportedOnceAndTheObjectComesBack() throws Exception {
    String file = OperatorHarness.files(dir).stream().filter(f -> f.startsWith("race-")).findFirst().orElseThrow();
    EtcdSnapshotFile object = harness.objects("node-r").stream()
        .filter(o -> file.equals(o.getSpec().getSnapshotName())).findFirst().orElseThrow();
    assertThat(object.getMetadata().getFinalizers()).as("Retain objects carry no finalizer").isNullOrEmpty();

    client.resource(object).delete(); // kubectl delete etcdsnapshotfile <name>
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
        harness.events("default", "ETCDSnapshotDeleted"))
        .filteredOn(e -> object.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .singleElement().satisfies(e -> {
          assertThat(e.getMessage()).isEqualTo("Snapshot " + file + " deleted");
          assertThat(e.getInvolvedObject().getName()).isEqualTo(object.getMetadata().getName());
          assertThat(e.getMetadata().getNamespace()).isEqualTo("default");
        }));
    // Retain: the file stays, and the sync brings the object back (a new one, with its Created Event).
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(harness.objects("node-r"))
        .anySatisfy(o -> {
          assertThat(o.getMetadata().getName()).isEqualTo(object.getMetadata().getName());
          assertThat(o.getMetadata().getUid()).isNotEqualTo(object.getMetadata().getUid());
        }));
    assertThat(Files.exists(dir.resolve(file))).isTrue();
    awaitBothPodsSynced();
    assertThat(harness.events("default", "ETCDSnapshotDeleted"))
        .filteredOn(e -> object.getMetadata().getName().equals(e.getInvolvedObject().getName())).hasSize(1);
  }

  /** Both pods have synced their node's directory twice since the call: their watches and syncs have had their say. */
  static void awaitBothPodsSynced() {
    harness.awaitSyncs(harness.runtime(0), "local", 2);
    harness.awaitSyncs(harness.runtime(1), "local", 2);
  }
}
