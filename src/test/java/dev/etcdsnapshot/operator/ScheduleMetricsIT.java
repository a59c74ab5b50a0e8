package dev.etcdsnapshot.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.operator.schedule.CronSchedule;
import dev.etcdsnapshot.testing.EtcdCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-schedule series on {@code /metrics} as Prometheus scrapes them: set by a scheduled run, there again
 * right after an agent restart (from the schedule's status and the snapshot directory), gone while the schedule is
 * suspended and once it is deleted.
 */
@EnableKubernetesMockClient(crud = true)
class ScheduleMetricsIT {

  private static final String NODE = "node-m";
  private static final String CRON = "*/5 * * * *";

  static KubernetesClient client;
  static KubernetesMockServer server;
  static OperatorHarness harness;
  static EtcdCluster etcd;
  static MutableClock clock;
  static Path dir;
  static OperatorRuntime runtime;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now());
    harness = new OperatorHarness(client, server, clock);
    etcd = harness.etcd(1);
    dir = harness.newDir(NODE);
    runtime = agent();
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static OperatorRuntime agent() throws Exception {
    return harness.startAgent(NODE, NODE + "-pod", etcd.member(0), dir, Duration.ofSeconds(1));
  }

  static EtcdSnapshotSchedule get(String name) {
    return client.resources(EtcdSnapshotSchedule.class).inNamespace(OperatorHarness.NS).withName(name).get();
  }

  static String scrape() throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.httpPort() + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The value of the sample of {@code metric} whose labels include all of {@code labels} ({@code k="v"}). */
  static Optional<Double> sample(String text, String metric, String... labels) {
    for (String line : text.split("\n")) {
      if (!line.startsWith(metric + "{")) {
        continue;
      }
      boolean all = true;
      for (String l : labels) {
        all &= line.contains(l);
      }
      Matcher m = Pattern.compile("} (\\S+)$").matcher(line);
      if (all && m.find()) {
        return Optional.of(Double.parseDouble(m.group(1)));
      }
    }
    return Optional.empty();
  }

  @Test
  void aSchedulesSeriesFollowItsRunsSurviveARestartAndGoWhenItIsSuspendedOrDeleted() throws Exception {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule(CRON);
    spec.setName("metered");
    EtcdSnapshotSchedule s = harness.schedule("metered", spec);
    Instant created = Instant.parse(s.getMetadata().getCreationTimestamp());
    String ns = "namespace=\"" + OperatorHarness.NS + "\"";
    String schedule = "schedule=\"metered\"";

    // Before its first run: the period and the creation time, no success yet.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String text = scrape();
      assertThat(sample(text, "etcd_snapshot_schedule_interval_seconds", ns, schedule)).contains(300.0);
      assertThat(sample(text, "etcd_snapshot_schedule_created_timestamp_seconds", ns, schedule))
          .contains((double) created.getEpochSecond());
      assertThat(sample(text, "etcd_snapshot_schedule_last_success_timestamp_seconds", schedule)).isEmpty();
    });

    Instant slot = CronSchedule.parse(CRON, "UTC").nextAfter(created).orElseThrow();
    clock.set(slot.plusSeconds(1));
    ScheduleNodeStatus ran = await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(
        () -> get("metered").getStatus().getNodes().get(0), n -> "Succeeded".equals(n.getPhase()));
    double success = Instant.parse(ran.getLastSuccessTime()).getEpochSecond();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        sample(scrape(), "etcd_snapshot_schedule_last_success_timestamp_seconds", ns, schedule,
            "node=\"" + NODE + "\"")).contains(success));

    // A restarted agent exports both last-success series at once: from the status and from the directory.
    harness.stop(runtime);
    runtime = agent();
    double file = slot.plusSeconds(1).getEpochSecond();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String text = scrape();
      assertThat(sample(text, "etcd_snapshot_schedule_last_success_timestamp_seconds", ns, schedule,
          "node=\"" + NODE + "\"")).contains(success);
      assertThat(sample(text, "etcd_snapshot_last_success_timestamp_seconds", "node=\"" + NODE + "\"",
          "storage=\"local\"")).contains(file);
    });

    // Suspended: nothing to alert on. Resumed: back. Deleted: gone.
    EtcdSnapshotSchedule current = get("metered");
    current.getSpec().setSuspend(true);
    client.resource(current).update();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape()).doesNotContain(schedule));
    current = get("metered");
    current.getSpec().setSuspend(false);
    client.resource(current).update();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        sample(scrape(), "etcd_snapshot_schedule_last_success_timestamp_seconds", schedule)).contains(success));
    client.resource(get("metered")).delete();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape()).doesNotContain(schedule));
  }
}
