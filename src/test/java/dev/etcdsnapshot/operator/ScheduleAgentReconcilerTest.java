package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.operator.schedule.CronSchedule;
import dev.etcdsnapshot.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
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
import org.junit.jupiter.api.Test;

/**
 * The schedule agent in-process: the real reconciler, run by the operator's own wiring against the mock API server
 * (CRUD), with a fake {@link dev.etcdsnapshot.engine.SnapshotSource} streaming a real etcd snapshot and a local
 * temporary directory; asserts what a user sees (status, files, ETCDSnapshotFile objects, Events).
 */
@EnableKubernetesMockClient(crud = true)
class ScheduleAgentReconcilerTest {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static MutableClock clock;
  static OperatorHarness harness;
  static FixtureSource source;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now());
    harness = new OperatorHarness(client, server, clock);
    source = new FixtureSource();
    dir = harness.startWithSource("node-a", source, OperatorHarness.IN_PROCESS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static EtcdSnapshotSchedule get(String name) {
    return client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName(name).get();
  }

  static List<String> files(String prefix) throws Exception {
    return OperatorHarness.files(dir).stream().filter(f -> f.startsWith(prefix + "-")).toList();
  }

  static long events(String reason, String schedule) {
    return harness.events(OperatorHarness.NS, reason).stream()
        .filter(e -> schedule.equals(e.getInvolvedObject().getName())).count();
  }

  @Test
  void aSlotIsClaimedAndSavedOnceHoweverOftenTheAgentLooksWithinIt() throws Exception {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("* * * * *");
    spec.setName("minutely");
    EtcdSnapshotSchedule created = harness.schedule("minutely", spec);
    // The agent's next slot is the one after its clock, the test's the one after the API server's creation
    // timestamp: put the clock there, or a minute boundary between the two (the clock was set when the class
    // started) makes them differ.
    Instant creation = Instant.parse(created.getMetadata().getCreationTimestamp());
    clock.set(creation);
    Instant slot = CronSchedule.parse("* * * * *", "UTC").nextAfter(creation).get();
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
      assertThat(Conditions.find(get("minutely").getStatus().getConditions(), "Ready")).get()
          .extracting(Condition::getStatus).isEqualTo("True");
      assertThat(get("minutely").getStatus().getNextScheduleTime()).isEqualTo(slot.toString());
    });
    harness.awaitReconciledAgain(created);
    assertThat(files("minutely")).as("nothing before the slot").isEmpty();
    int streamsBefore = source.streams();

    clock.set(slot.plusSeconds(1));
    String name = "minutely-node-a-" + slot.plusSeconds(1).getEpochSecond();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(get("minutely").getStatus().getNodes()).singleElement().satisfies(e -> {
        assertThat(e.getPhase()).isEqualTo("Succeeded");
        assertThat(e.getLastScheduleTime()).isEqualTo(slot.toString());
      });
      assertThat(harness.objects("node-a")).extracting(o -> o.getSpec().getSnapshotName()).contains(name);
      assertThat(events("SnapshotTaken", "minutely")).isEqualTo(1);
    });
    assertThat(files("minutely")).containsExactly(name);
    assertThat(Files.readAllBytes(dir.resolve(name))).as("the bytes etcd sent").isEqualTo(FixtureSource.BYTES);
    ScheduleNodeStatus entry = get("minutely").getStatus().getNodes().get(0);
    assertThat(get("minutely").getStatus().getLastSnapshotNames()).singleElement().asString()
        .startsWith("local-" + name);

    // The agent looks again within the same slot (every 100 ms here): the slot is claimed, so nothing is saved.
    harness.awaitReconciledAgain(get("minutely"));
    harness.awaitReconciledAgain(get("minutely"));
    assertThat(source.streams()).as("snapshots streamed from etcd").isEqualTo(streamsBefore + 1);
    assertThat(files("minutely")).containsExactly(name);
    assertThat(get("minutely").getStatus().getNodes()).singleElement().isEqualTo(entry);
    assertThat(events("SnapshotTaken", "minutely")).isEqualTo(1);
    client.resource(get("minutely")).delete();
  }

  @Test
  void anIdleScheduleIsLookedAtOnItsTimerNotInALoopOfItsOwnBackgroundWork() {
    // Each look starts the upload check on the runner's threads, and a check that ends brings the schedule back:
    // that look must not start another check, or the agent spins. Here the timer looks every 100 ms, so ten looks
    // take about a second; a loop makes them in a few milliseconds each.
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("0 0 1 1 *");
    spec.setName("yearly");
    EtcdSnapshotSchedule created = harness.schedule("yearly", spec);
    harness.awaitReconciledAgain(created);
    long before = harness.reconciled("schedule-agent", created);
    long started = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).until(() -> harness.reconciled("schedule-agent", created) >= before + 10);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("ten looks at an idle schedule")
        .isGreaterThan(Duration.ofMillis(600));
    client.resource(get("yearly")).delete();
  }

  @Test
  void anInvalidScheduleIsReportedNamingTheFieldAndNothingIsSaved() throws Exception {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule("61 * * * *");
    spec.setName("broken");
    int streamsBefore = source.streams();
    EtcdSnapshotSchedule created = harness.schedule("broken", spec);
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
      assertThat(Conditions.find(get("broken").getStatus().getConditions(), "Ready")).get().satisfies(c -> {
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getMessage()).contains("spec.schedule");
      });
      assertThat(events("ScheduleInvalid", "broken")).isEqualTo(1);
    });
    assertThat(get("broken").getStatus().getNextScheduleTime()).isNull();
    // The look that wrote the condition is done; an invalid schedule has no slot to come back for.
    harness.awaitReconciledAfter(created, created.getMetadata().getResourceVersion());
    assertThat(files("broken")).isEmpty();
    assertThat(source.streams()).isEqualTo(streamsBefore);
    client.resource(get("broken")).delete();
  }
}
