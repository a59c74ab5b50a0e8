package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.config.OperatorConfig;
import dev.etcdsnapshot.model.EtcdSnapshotRequest;
import dev.etcdsnapshot.model.EtcdSnapshotRequestSpec;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.RequestPhase;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.operator.schedule.CronSchedule;
import dev.etcdsnapshot.operator.status.Conditions;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.LogCapture;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Pods that stop and are replaced, under a controlled clock: an agent that dies mid-snapshot, a leader change
 * around a slot, slots that pass while no agent runs, and a run whose outcome could not be written at once. Each
 * test has its own nodes (a schedule selects them), each node its own etcd member and directory, shared by the pods
 * started for that node as a host path would be.
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TakeoverIT {

  static final Duration SYNC = Duration.ofSeconds(1);

  static KubernetesClient client;
  static KubernetesMockServer server;
  static EtcdCluster etcd;
  static OperatorHarness harness;
  static MutableClock clock;
  /** Running pods by name, with their node. */
  static final Map<String, Pod> pods = new LinkedHashMap<>();
  static final Map<String, Path> dirs = new LinkedHashMap<>();

  record Pod(String node, OperatorRuntime runtime) {}

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now());
    harness = new OperatorHarness(client, server, clock);
    etcd = harness.etcd(1); // one member serves every node here: only the slots and files matter
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static void startPod(String node, String pod) throws Exception {
    Path dir = dirs.containsKey(node) ? dirs.get(node) : harness.newDir(node);
    dirs.put(node, dir);
    pods.put(pod, new Pod(node, harness.startAgent(node, pod, etcd.member(0), dir, SYNC)));
  }

  static void stopPod(String pod) {
    harness.stop(pods.remove(pod).runtime());
  }

  static EtcdSnapshotSchedule create(String name, String cron, List<String> nodes) {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule(cron);
    spec.setName(name);
    spec.setNodes(nodes);
    EtcdSnapshotSchedule s = new EtcdSnapshotSchedule();
    s.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(OperatorHarness.NS).build());
    s.setSpec(spec);
    return client.resource(s).create();
  }

  static EtcdSnapshotSchedule get(String name) {
    return client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName(name).get();
  }

  static ScheduleNodeStatus entry(String schedule, String node) {
    return get(schedule).getStatus().getNodes().stream().filter(e -> node.equals(e.getNode())).findFirst()
        .orElseThrow();
  }

  static void awaitEntry(String schedule, String node, Instant slot, String phase) {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
      ScheduleNodeStatus e = entry(schedule, node);
      assertThat(e.getLastScheduleTime()).isEqualTo(slot.toString());
      assertThat(e.getPhase()).isEqualTo(phase);
    });
  }

  static void awaitReady(String schedule) {
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> assertThat(
        Conditions.find(get(schedule).getStatus().getConditions(), Conditions.READY).orElseThrow().getStatus())
        .isEqualTo("True"));
  }

  static List<String> files(String node, String prefix) throws Exception {
    return OperatorHarness.files(dirs.get(node)).stream().filter(f -> f.startsWith(prefix + "-")).toList();
  }

  /** What a pod that claimed {@code slot} and then died leaves in the schedule's status. */
  static void leaveRunning(String schedule, String node, Instant slot, String pod) {
    client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName(schedule)
        .editStatus(s -> {
          List<ScheduleNodeStatus> nodes = new ArrayList<>(s.getStatus().getNodes() == null ? List.of()
              : s.getStatus().getNodes());
          nodes.removeIf(e -> node.equals(e.getNode()));
          ScheduleNodeStatus e = new ScheduleNodeStatus();
          e.setNode(node);
          e.setAgent(pod);
          e.setLastScheduleTime(slot.toString());
          e.setPhase("Running");
          nodes.add(e);
          s.getStatus().setNodes(nodes);
          return s;
        });
  }

  static String leader() {
    Lease lease = client.leases().inNamespace(OperatorHarness.NS).withName(OperatorConfig.LEADER_LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  @Order(1)
  void aRunLeftRunningByADeadAgentIsFailedAndTheNextSlotRuns() throws Exception {
    startPod("node-r", "pod-r1");
    EtcdSnapshotSchedule s = create("lost", "*/5 * * * *", List.of("node-r"));
    CronSchedule cron = CronSchedule.parse("*/5 * * * *", "UTC");
    Instant s1 = cron.nextAfter(Instant.parse(s.getMetadata().getCreationTimestamp())).get();
    awaitReady("lost");

    // The agent claimed s1 and its container died mid-snapshot; it comes back under the same pod name.
    stopPod("pod-r1");
    clock.set(s1.plusSeconds(1));
    leaveRunning("lost", "node-r", s1, "pod-r1");
    startPod("node-r", "pod-r1");
    awaitEntry("lost", "node-r", s1, "Failed");
    assertThat(entry("lost", "node-r").getMessage())
        .startsWith("the agent restarted while the snapshot was running");
    assertThat(Conditions.find(get("lost").getStatus().getConditions(), Conditions.DEGRADED)).hasValueSatisfying(
        c -> {
          assertThat(c.getStatus()).isEqualTo("True");
          assertThat(c.getReason()).isEqualTo("SnapshotFailed");
        });
    // The Event follows the status write: wait for it.
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(harness.events(OperatorHarness.NS,
        "SnapshotFailed")).filteredOn(e -> "lost".equals(e.getInvolvedObject().getName()))
        .singleElement().satisfies(e -> assertThat(e.getMessage()).startsWith("Slot " + s1 + " on node node-r failed")));
    assertThat(files("node-r", "lost")).isEmpty();

    Instant s2 = cron.nextAfter(s1).get();
    clock.set(s2.plusSeconds(1));
    awaitEntry("lost", "node-r", s2, "Succeeded");
    assertThat(files("node-r", "lost")).containsExactly("lost-node-r-" + s2.plusSeconds(1).getEpochSecond());

    // The pod dies mid-snapshot and is replaced by a pod with another name: the run is failed only once the new
    // pod has held the node's Lease alone for a Lease duration (the old one would have renewed it, were it alive).
    stopPod("pod-r1");
    Instant s3 = cron.nextAfter(s2).get();
    clock.set(s3.plusSeconds(1));
    leaveRunning("lost", "node-r", s3, "pod-r1");
    startPod("node-r", "pod-r2");
    harness.awaitReconciledAgain(get("lost")); // pod-r2 has looked at the Running entry
    assertThat(entry("lost", "node-r").getPhase()).as("pod-r1 might still be alive").isEqualTo("Running");
    clock.advance(OperatorHarness.FAST.leaseDuration().plusSeconds(1));
    awaitEntry("lost", "node-r", s3, "Failed");
    assertThat(entry("lost", "node-r").getMessage()).startsWith("the agent restarted while the snapshot was running")
        .contains("pod pod-r1 claimed the slot and is gone");

    Instant s4 = cron.nextAfter(s3).get();
    clock.set(s4.plusSeconds(1));
    awaitEntry("lost", "node-r", s4, "Succeeded");
    assertThat(entry("lost", "node-r").getAgent()).isEqualTo("pod-r2");
    harness.awaitReconciledAgain(get("lost"));
    assertThat(files("node-r", "lost")).hasSize(2);
    client.resource(get("lost")).delete();
  }

  @Test
  @Order(2)
  void aLeaderChangeAroundASlotTakesItOncePerNode() throws Exception {
    clock.set(Instant.now()); // back in step with the API server's creation timestamps
    startPod("node-a", "pod-a1");
    startPod("node-b", "pod-b1");
    EtcdSnapshotSchedule s = create("takeover", "*/5 * * * *", List.of("node-a", "node-b"));
    CronSchedule cron = CronSchedule.parse("*/5 * * * *", "UTC");
    Instant s1 = cron.nextAfter(clock.instant()).get();
    awaitReady("takeover");
    clock.set(s1.plusSeconds(1));
    awaitEntry("takeover", "node-a", s1, "Succeeded");
    awaitEntry("takeover", "node-b", s1, "Succeeded");

    // A second pod for node-a (a rollout) starts within s1's starting deadline: s1 is taken already.
    startPod("node-a", "pod-a2");
    // The leader goes away; a replacement pod for its node starts; the next slot comes while the election is open.
    String oldLeader = await().atMost(Duration.ofSeconds(30)).until(TakeoverIT::leader, pods::containsKey);
    String node = pods.get(oldLeader).node();
    stopPod(oldLeader);
    startPod(node, oldLeader + "-next");
    Instant s2 = cron.nextAfter(s1).get();
    clock.set(s2.plusSeconds(1));
    awaitEntry("takeover", "node-a", s2, "Succeeded");
    awaitEntry("takeover", "node-b", s2, "Succeeded");
    await().atMost(Duration.ofSeconds(60)).until(() -> leader() != null && pods.containsKey(leader()));
    assertThat(leader()).isNotEqualTo(oldLeader);

    harness.awaitReconciledAgain(get("takeover")); // every pod, the new ones too, has looked since s2 succeeded
    for (String n : List.of("node-a", "node-b")) {
      assertThat(files(n, "takeover")).as("one snapshot per slot on %s", n).containsExactly(
          "takeover-" + n + "-" + s1.plusSeconds(1).getEpochSecond(),
          "takeover-" + n + "-" + s2.plusSeconds(1).getEpochSecond());
    }
    // Each Event follows its status write: wait for all four (a fifth, a duplicate's, keeps this failing).
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(harness.events(OperatorHarness.NS,
        "SnapshotTaken")).filteredOn(e -> "takeover".equals(e.getInvolvedObject().getName())).hasSize(4));

    // The new leader does the cluster-wide work: it aggregates a request's phase.
    EtcdSnapshotRequestSpec spec = new EtcdSnapshotRequestSpec();
    spec.setNodes(List.of("node-b"));
    EtcdSnapshotRequest r = new EtcdSnapshotRequest();
    r.setMetadata(new ObjectMetaBuilder().withName("after-takeover").withNamespace(OperatorHarness.NS).build());
    r.setSpec(spec);
    client.resource(r).create();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> client.resources(EtcdSnapshotRequest.class)
        .inNamespace(OperatorHarness.NS).withName("after-takeover").get().getStatus().getPhase()
        == RequestPhase.SUCCEEDED);
    client.resource(get("takeover")).delete();
  }

  @Test
  @Order(3)
  void aSlotMissedWhileNoAgentRanRunsOnceOnStartWithinTheDeadlineAndIsRecordedMissedPastIt() throws Exception {
    // Every two hours, so the starting deadline is the one-hour cap.
    String every2h = "0 */2 * * *";
    clock.set(Instant.now());
    CronSchedule cron = CronSchedule.parse(every2h, "UTC");
    startPod("node-m", "pod-m1");
    EtcdSnapshotSchedule s = create("catchup", every2h, List.of("node-m"));
    Instant s1 = cron.nextAfter(Instant.parse(s.getMetadata().getCreationTimestamp())).get();
    awaitReady("catchup");
    stopPod("pod-m1");

    // Down over s1, back 30 minutes later: s1 runs once, now.
    clock.set(s1.plus(Duration.ofMinutes(30)));
    startPod("node-m", "pod-m2");
    awaitEntry("catchup", "node-m", s1, "Succeeded");
    harness.awaitReconciledAgain(get("catchup"));
    assertThat(files("node-m", "catchup"))
        .containsExactly("catchup-node-m-" + s1.plus(Duration.ofMinutes(30)).getEpochSecond());
    stopPod("pod-m2");

    // Down over s2, back 90 minutes later: past the deadline, so s2 is recorded Missed and not run.
    Instant s2 = cron.nextAfter(s1).get();
    clock.set(s2.plus(Duration.ofMinutes(90)));
    startPod("node-m", "pod-m3");
    awaitEntry("catchup", "node-m", s2, "Missed");
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(harness.events(OperatorHarness.NS,
        "SnapshotMissed")).filteredOn(e -> "catchup".equals(e.getInvolvedObject().getName()))
        .singleElement().satisfies(e -> assertThat(e.getMessage()).contains("Slot " + s2)));
    harness.awaitReconciledAgain(get("catchup"));
    assertThat(files("node-m", "catchup")).hasSize(1);

    // The next slot runs as planned.
    Instant s3 = cron.nextAfter(s2).get();
    clock.set(s3.plusSeconds(1));
    awaitEntry("catchup", "node-m", s3, "Succeeded");
    assertThat(files("node-m", "catchup")).hasSize(2);
    client.resource(get("catchup")).delete();
  }

  @Test
  @Order(4)
  void aSnapshotTakenWhoseOutcomeCouldNotBeWrittenIsRecordedLaterNotFailed() throws Exception {
    for (String pod : List.copyOf(pods.keySet())) {
      stopPod(pod); // only this test's pod writes schedule status now, so the one failed write is its own
    }
    clock.set(Instant.now());
    startPod("node-w", "pod-w1");
    EtcdSnapshotSchedule s = create("unwritten", "*/5 * * * *", List.of("node-w"));
    Instant s1 = CronSchedule.parse("*/5 * * * *", "UTC")
        .nextAfter(Instant.parse(s.getMetadata().getCreationTimestamp())).get();
    awaitReady("unwritten");

    // Hold the snapshot in flight once the slot is claimed, then make the outcome's write fail: a conflict on every
    // one of StatusWriter's 10 attempts (a 5xx would not do: the client retries those by itself).
    LogCapture logs = LogCapture.start();
    etcd.member(0).pause();
    try {
      clock.set(s1.plusSeconds(1));
      awaitEntry("unwritten", "node-w", s1, "Running");
      server.expect().patch()
          .withPath("/apis/etcdsnapshot.dev/v1alpha1/namespaces/" + OperatorHarness.NS
              + "/etcdsnapshotschedules/unwritten/status")
          .andReturn(409, new StatusBuilder().withStatus("Failure").withCode(409).withReason("Conflict")
              .withMessage("the object has been modified").build())
          .times(10);
    } finally {
      etcd.member(0).resume();
    }
    try {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> !"Running".equals(entry("unwritten", "node-w").getPhase()));
    } finally {
      logs.close();
    }
    ScheduleNodeStatus e = entry("unwritten", "node-w");
    assertThat(e.getPhase()).as("the snapshot was taken: %s", e.getMessage()).isEqualTo("Succeeded");
    assertThat(logs.text()).as("the outcome's first write failed").contains("Recording the outcome of slot " + s1
        + " of schedule snap/unwritten on node node-w failed (HTTP 409)");
    assertThat(e.getLastScheduleTime()).isEqualTo(s1.toString());
    assertThat(e.getLastSuccessTime()).isNotNull();
    assertThat(files("node-w", "unwritten")).containsExactly("unwritten-node-w-" + s1.plusSeconds(1).getEpochSecond());
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(harness.events(OperatorHarness.NS,
        "SnapshotTaken")).filteredOn(ev -> "unwritten".equals(ev.getInvolvedObject().getName())).hasSize(1));
    harness.awaitReconciledAgain(get("unwritten"));
    assertThat(entry("unwritten", "node-w").getPhase()).isEqualTo("Succeeded");
    assertThat(harness.events(OperatorHarness.NS, "SnapshotFailed"))
        .filteredOn(ev -> "unwritten".equals(ev.getInvolvedObject().getName())).isEmpty();
    client.resource(get("unwritten")).delete();
  }
}
