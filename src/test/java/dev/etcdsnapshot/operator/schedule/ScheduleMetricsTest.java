package dev.etcdsnapshot.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.EtcdSnapshotSchedule;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleSpec;
import dev.etcdsnapshot.model.EtcdSnapshotScheduleStatus;
import dev.etcdsnapshot.model.ScheduleNodeStatus;
import dev.etcdsnapshot.operator.MutableClock;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The per-schedule series an agent exports, read from the Prometheus text a scrape returns. */
class ScheduleMetricsTest {

  private static final String CREATED = "2026-03-01T10:00:00Z";
  /** A Saturday, 12:00 in Berlin (CET, UTC+1). */
  private static final Instant SATURDAY = Instant.parse("2026-03-07T11:00:00Z");

  private final MutableClock clock = new MutableClock(SATURDAY);
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final SnapshotMetrics metrics = new SnapshotMetrics(registry, clock);
  private final ScheduleMetricsWatch.Handler handler = new ScheduleMetricsWatch.Handler("node-a", metrics);

  @Test
  void theIntervalIsTheGapTheScheduleIsInNowInItsTimeZone() {
    // Weekdays at 01:00 Berlin time: Friday 01:00 CET to Monday 01:00 CET is three days.
    handler.onAdd(schedule("weekdays", "0 1 * * 1-5", "Europe/Berlin"));
    assertThat(value("etcd_snapshot_schedule_interval_seconds", "weekdays", null)).isEqualTo(3 * 86400.0);

    clock.set(Instant.parse("2026-03-10T12:00:00Z")); // a Tuesday: Tuesday to Wednesday
    assertThat(value("etcd_snapshot_schedule_interval_seconds", "weekdays", null)).isEqualTo(86400.0);

    handler.onAdd(schedule("twice-daily", "0 */12 * * *", "UTC"));
    assertThat(value("etcd_snapshot_schedule_interval_seconds", "twice-daily", null)).isEqualTo(43200.0);
    assertThat(value("etcd_snapshot_schedule_created_timestamp_seconds", "twice-daily", null))
        .isEqualTo((double) Instant.parse(CREATED).getEpochSecond());
  }

  @Test
  void theLastSuccessComesFromTheSchedulesStatusForThisNodeOnly() {
    EtcdSnapshotSchedule s = schedule("hourly", "@hourly", null);
    s.setStatus(status(Map.of("node-a", "2026-03-07T10:00:05Z", "node-b", "2026-03-07T09:00:05Z")));
    handler.onAdd(s);

    assertThat(value("etcd_snapshot_schedule_last_success_timestamp_seconds", "hourly", "node-a"))
        .isEqualTo((double) Instant.parse("2026-03-07T10:00:05Z").getEpochSecond());
    assertThat(series("etcd_snapshot_schedule_last_success_timestamp_seconds")).as("one agent, one node")
        .hasSize(1);

    s.setStatus(status(Map.of("node-a", "2026-03-07T11:00:04Z")));
    handler.onUpdate(null, s);
    assertThat(value("etcd_snapshot_schedule_last_success_timestamp_seconds", "hourly", "node-a"))
        .isEqualTo((double) Instant.parse("2026-03-07T11:00:04Z").getEpochSecond());
  }

  @Test
  void aNeverSucceededOrUnselectedNodeHasNoLastSuccessButTheScheduleKeepsItsInterval() {
    EtcdSnapshotSchedule s = schedule("other-node", "@hourly", null);
    s.getSpec().setNodes(List.of("node-b"));
    s.setStatus(status(Map.of("node-a", "2026-03-07T10:00:05Z")));
    handler.onAdd(s);

    assertThat(series("etcd_snapshot_schedule_last_success_timestamp_seconds")).isEmpty();
    assertThat(value("etcd_snapshot_schedule_interval_seconds", "other-node", null)).isEqualTo(3600.0);

    handler.onAdd(schedule("new", "@hourly", null));
    assertThat(series("etcd_snapshot_schedule_last_success_timestamp_seconds")).isEmpty();
    assertThat(series("etcd_snapshot_schedule_created_timestamp_seconds")).hasSize(2);
  }

  @Test
  void aSuspendedOrDeletedScheduleHasNoSeriesAndAResumedOneComesBack() {
    EtcdSnapshotSchedule s = schedule("pausable", "@hourly", null);
    s.setStatus(status(Map.of("node-a", "2026-03-07T10:00:05Z")));
    handler.onAdd(s);
    assertThat(scrape()).contains("schedule=\"pausable\"");

    s.getSpec().setSuspend(true);
    handler.onUpdate(null, s);
    assertThat(scrape()).doesNotContain("schedule=\"pausable\"");

    s.getSpec().setSuspend(false);
    handler.onUpdate(null, s);
    assertThat(series("etcd_snapshot_schedule_last_success_timestamp_seconds")).hasSize(1);
    assertThat(series("etcd_snapshot_schedule_interval_seconds")).hasSize(1);

    handler.onDelete(s, false);
    assertThat(scrape()).doesNotContain("schedule=\"pausable\"");
  }

  @Test
  void anInvalidCronKeepsBeingJudgedByItsLastValidOne() {
    EtcdSnapshotSchedule s = schedule("edited", "@hourly", null);
    handler.onAdd(s);
    s.getSpec().setSchedule("61 * * * *");
    handler.onUpdate(null, s);
    assertThat(value("etcd_snapshot_schedule_interval_seconds", "edited", null)).isEqualTo(3600.0);

    handler.onAdd(schedule("born-invalid", "61 * * * *", null));
    assertThat(scrape()).doesNotContain("schedule=\"born-invalid\"");
  }

  @Test
  void theNodeGaugeIsSeededFromTheNewestLocalSnapshotAndNeverGoesBack() {
    metrics.seedLastSuccess("node-a", StorageKind.LOCAL, List.of(
        snapshot("etcd-snapshot-node-a-1772870400", Instant.ofEpochSecond(1772870400)),
        snapshot("on-demand-node-a-1772874000", Instant.ofEpochSecond(1772874000))));
    assertThat(scrape()).contains(
        "etcd_snapshot_last_success_timestamp_seconds{node=\"node-a\",storage=\"local\"} 1.772874E9");

    metrics.seedLastSuccess("node-a", StorageKind.LOCAL, List.of(snapshot("old", Instant.ofEpochSecond(1000))));
    assertThat(scrape()).contains(
        "etcd_snapshot_last_success_timestamp_seconds{node=\"node-a\",storage=\"local\"} 1.772874E9");
  }

  private String scrape() {
    return registry.scrape();
  }

  /** The sample lines of one metric. */
  private List<String> series(String metric) {
    List<String> out = new ArrayList<>();
    for (String line : scrape().split("\n")) {
      if (line.startsWith(metric + "{")) {
        out.add(line);
      }
    }
    return out;
  }

  private Double value(String metric, String schedule, String node) {
    for (String line : series(metric)) {
      if (line.contains("schedule=\"" + schedule + "\"") && (node == null || line.contains("node=\"" + node + "\""))) {
        assertThat(line).contains("namespace=\"snap\"");
        Matcher m = Pattern.compile("} (\\S+)$").matcher(line);
        assertThat(m.find()).isTrue();
        return Double.parseDouble(m.group(1));
      }
    }
    throw new AssertionError("no " + metric + " of " + schedule + " in\n" + scrape());
  }

  private static EtcdSnapshotSchedule schedule(String name, String cron, String timeZone) {
    EtcdSnapshotScheduleSpec spec = new EtcdSnapshotScheduleSpec();
    spec.setSchedule(cron);
    spec.setTimeZone(timeZone);
    EtcdSnapshotSchedule s = new EtcdSnapshotSchedule();
    s.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("snap").withCreationTimestamp(CREATED)
        .build());
    s.setSpec(spec);
    return s;
  }

  private static EtcdSnapshotScheduleStatus status(Map<String, String> lastSuccessByNode) {
    EtcdSnapshotScheduleStatus status = new EtcdSnapshotScheduleStatus();
    List<ScheduleNodeStatus> nodes = new ArrayList<>();
    lastSuccessByNode.forEach((node, at) -> {
      ScheduleNodeStatus n = new ScheduleNodeStatus();
      n.setNode(node);
      n.setLastSuccessTime(at);
      nodes.add(n);
    });
    status.setNodes(nodes);
    return status;
  }

  private static StoredSnapshot snapshot(String name, Instant at) {
    return new StoredSnapshot(name, StorageKind.LOCAL, "file:///s/" + name, 1, at, "node-a", null, Map.of());
  }
}
