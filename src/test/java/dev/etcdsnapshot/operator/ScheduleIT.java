package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.DeletionPolicy;
import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.operator.schedule.CronSchedule;
import dev.etcdsnapshot.operator.status.Conditions;
import dev.etcdsnapshot.testing.EtcdCluster;
import io.fabric8.kubernetes.api.model.Condition;
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
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

/** Schedules under a controlled clock: two agents, each with its own etcd member and directory. */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScheduleIT {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static EtcdCluster etcdA;
  static EtcdCluster etcdB;
  static OperatorHarness harness;
  static MutableClock clock;
  static Path dirA;
  static Path dirB;

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now());
    harness = new OperatorHarness(client, server, clock);
    etcdA = harness.etcd(1);
    etcdB = harness.etcd(1);
    dirA = harness.startAgent("node-a", etcdA.member(0));
    dirB = harness.startAgent("node-b", etcdB.member(0));
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static EtcdSnapshotSchedule create(String name, EtcdSnapshotScheduleSpec spec) {
    return harness.schedule(name, spec);
  }

  static EtcdSnapshotSchedule get(String name) {
    return client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName(name).get();
  }

  static Condition condition(String schedule, String type) {
    EtcdSnapshotSchedule s = get(schedule);
    return s.getStatus() == null ? null : Conditions.find(s.getStatus().getConditions(), type).orElse(null);
  }

  /** The first slot of {@code cron} after the schedule's creation. */
  static Instant firstSlot(EtcdSnapshotSchedule s, String cron) throws Exception {
    return CronSchedule.parse(cron, "UTC").nextAfter(Instant.parse(s.getMetadata().getCreationTimestamp())).get();
  }

  static List<String> filesWith(Path dir, String prefix) throws Exception {
    return OperatorHarness.files(dir).stream().filter(f -> f.startsWith(prefix + "-")).toList();
  }

  @Test
  @Order(1)
  void aScheduleFiresOncePerSlotOnEveryNodeUnderAControlledClock() throws Exception {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("*/5 * * * *");
    spec.setName("every5");
    EtcdSnapshotSchedule s = create("every5", spec);
    Instant slot = firstSlot(s, "*/5 * * * *");
    // The agents' next slot is the one after their clock: at the creation timestamp, it is the test's slot even
    // when a boundary fell between the clock's start and the creation.
    clock.set(Instant.parse(s.getMetadata().getCreationTimestamp()));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(condition("every5", "Ready")).isNotNull().extracting(Condition::getStatus).isEqualTo("True");
      assertThat(get("every5").getStatus().getNextScheduleTime()).isEqualTo(slot.toString());
    });
    harness.awaitReconciledAgain(get("every5")); // both agents have looked at it since, still before the slot
    assertThat(filesWith(dirA, "every5")).as("nothing before the slot").isEmpty();
    assertThat(filesWith(dirB, "every5")).as("nothing before the slot").isEmpty();

    clock.set(slot.plusSeconds(1));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(filesWith(dirA, "every5")).containsExactly("every5-node-a-" + slot.plusSeconds(1).getEpochSecond());
      assertThat(filesWith(dirB, "every5")).containsExactly("every5-node-b-" + slot.plusSeconds(1).getEpochSecond());
      assertThat(get("every5").getStatus().getNodes()).extracting(ScheduleNodeStatus::getPhase)
          .containsExactly("Succeeded", "Succeeded");
    });
    var status = get("every5").getStatus();
    assertThat(status.getLastScheduleTime()).isEqualTo(slot.toString());
    assertThat(status.getNextScheduleTime()).isEqualTo(slot.plus(Duration.ofMinutes(5)).toString());
    assertThat(status.getLastSuccessTime()).isNotNull();
    assertThat(status.getLastSnapshotNames()).hasSize(2).allMatch(n -> n.startsWith("local-every5-node-"));
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(harness.objects("node-a")).extracting(f -> f.getSpec().getSnapshotName())
        .contains("every5-node-a-" + slot.plusSeconds(1).getEpochSecond());

    // The same slot is not taken again however often the agents look; the next slot is.
    harness.awaitReconciledAgain(get("every5")); // both agents have looked again within the slot
    assertThat(filesWith(dirA, "every5")).hasSize(1);
    assertThat(filesWith(dirB, "every5")).hasSize(1);
    assertThat(get("every5").getStatus().getNodes()).extracting(ScheduleNodeStatus::getLastScheduleTime)
        .containsOnly(slot.toString());
    Instant next = slot.plus(Duration.ofMinutes(5));
    clock.set(next.plusSeconds(2));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(filesWith(dirA, "every5")).hasSize(2);
      assertThat(filesWith(dirB, "every5")).hasSize(2);
      assertThat(get("every5").getStatus().getLastScheduleTime()).isEqualTo(next.toString());
    });
    client.resource(get("every5")).delete();
  }

  @Test
  @Order(2)
  void anInvalidCronOrTimeZoneIsReportedAndNothingRuns() throws Exception {
    EtcdSnapshotScheduleSpec bad = new EtcdSnapshotScheduleSpec();
    bad.setSchedule("61 * * * *");
    bad.setName("badcron");
    create("badcron", bad);
    EtcdSnapshotScheduleSpec badTz = new EtcdSnapshotScheduleSpec();
    badTz.setSchedule("@hourly");
    badTz.setTimeZone("Mars/Olympus");
    badTz.setName("badtz");
    create("badtz", badTz);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(condition("badcron", "Ready")).isNotNull().satisfies(c -> {
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("InvalidSchedule");
        assertThat(c.getMessage()).startsWith("spec.schedule \"61 * * * *\" is not a valid cron expression");
      });
      assertThat(condition("badtz", "Ready")).isNotNull().satisfies(c -> {
        assertThat(c.getReason()).isEqualTo("InvalidTimeZone");
        assertThat(c.getMessage()).contains("spec.timeZone \"Mars/Olympus\"");
      });
    });
    assertThat(harness.events(OperatorHarness.NS, "ScheduleInvalid"))
        .extracting(e -> e.getInvolvedObject().getName()).contains("badcron", "badtz");
    assertThat(harness.events(OperatorHarness.NS, "ScheduleInvalid"))
        .filteredOn(e -> e.getInvolvedObject().getName().equals("badcron"))
        .as("reported once, not by every agent on every look").hasSize(1);
    assertThat(get("badtz").getStatus().getNextScheduleTime()).isNull();
    client.resource(get("badcron")).delete();
    client.resource(get("badtz")).delete();
  }

  @Test
  @Order(3)
  void deletionPolicyDeleteRemovesTheFileWithTheObject() throws Exception {
    // Back in step with the API server's creation timestamps: with the clock ahead of them, a slot between the
    // creation and the clock would be due at once.
    clock.set(Instant.now());
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("@hourly");
    spec.setName("deleting");
    spec.setNodes(List.of("node-a"));
    spec.setDeletionPolicy(DeletionPolicy.DELETE);
    EtcdSnapshotSchedule s = create("deleting", spec);
    Instant slot = firstSlot(s, "@hourly");
    if (clock.instant().isAfter(slot)) {
      slot = CronSchedule.parse("@hourly", "UTC").nextAfter(clock.instant()).get();
    }
    clock.set(slot.plusSeconds(3));
    await().atMost(Duration.ofSeconds(20)).until(() -> filesWith(dirA, "deleting").size() == 1);
    assertThat(filesWith(dirB, "deleting")).as("node-b is not selected").isEmpty();
    String file = filesWith(dirA, "deleting").get(0);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(harness.objects("node-a"))
        .as(() -> client.getKubernetesSerialization().asYaml(client.resources(EtcdSnapshotFile.class).list()))
        .anyMatch(o -> file.equals(o.getSpec().getSnapshotName())));
    EtcdSnapshotFile object = harness.objects("node-a").stream()
        .filter(o -> file.equals(o.getSpec().getSnapshotName())).findFirst().orElseThrow();
    assertThat(object.getMetadata().getFinalizers()).contains("etcdsnapshot.dev/snapshot-data");

    client.resources(EtcdSnapshotFile.class).withName(object.getMetadata().getName()).edit(o -> {
      o.getMetadata().getAnnotations().put("etcdsnapshot.dev/delete-data", "true"); // the deletion is ours
      return o;
    });
    client.resource(object).delete();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(Files.exists(dirA.resolve(file))).as("the file went with the object").isFalse();
      assertThat(client.resources(EtcdSnapshotFile.class).withName(object.getMetadata().getName()).get()).isNull();
    });
    assertThat(harness.events("default", "ETCDSnapshotDeleted")).extracting(e -> e.getInvolvedObject().getName())
        .contains(object.getMetadata().getName());
    client.resource(get("deleting")).delete();
  }

  @Test
  @Order(4)
  void aTickThatFindsASnapshotRunningIsSkippedAndSaysSo() throws Exception {
    // Back in step with the API server's creation timestamps: with the clock ahead of them, a slot between the
    // creation and the clock would be due at once.
    clock.set(Instant.now());
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("*/5 * * * *");
    spec.setName("busy");
    spec.setNodes(List.of("node-a"));
    create("busy", spec);
    Instant slot = CronSchedule.parse("*/5 * * * *", "UTC").nextAfter(clock.instant()).get();
    try (var held = dev.etcdsnapshot.engine.NodeLock.acquire(new dev.etcdsnapshot.storage.local.LocalSnapshotStore(
        dirA, false, "node-a", dev.etcdsnapshot.engine.SnapshotNames::parseTimestamp))) {
      clock.set(slot.plusSeconds(1));
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
        assertThat(get("busy").getStatus().getNodes()).singleElement().satisfies(e -> {
          assertThat(e.getLastScheduleTime()).isEqualTo(slot.toString());
          assertThat(e.getPhase()).isEqualTo("Skipped");
          assertThat(e.getMessage()).contains("already running");
        });
        assertThat(condition("busy", "Degraded")).satisfies(c -> {
          assertThat(c.getStatus()).isEqualTo("True");
          assertThat(c.getReason()).isEqualTo("SnapshotSkipped");
        });
      });
    }
    assertThat(harness.events(OperatorHarness.NS, "SnapshotSkipped"))
        .filteredOn(e -> "busy".equals(e.getInvolvedObject().getName())).hasSize(1);
    harness.awaitReconciledAgain(get("busy")); // the agent has looked again since the skip, lock released
    assertThat(filesWith(dirA, "busy")).as("the skipped slot is not run later").isEmpty();
    client.resource(get("busy")).delete();
  }
}
