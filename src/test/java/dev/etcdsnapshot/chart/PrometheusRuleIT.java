package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules evaluated by Prometheus itself ({@code promtool test rules}, Debian package
 * {@code prometheus}) over series shaped as the agents export them: which alert fires, when, with which labels.
 * Annotations are left out here (promtool would compare their text); {@link ChartValuesTest} checks them.
 */
class PrometheusRuleIT {

  @TempDir static Path tmp;
  static Path rules;

  @BeforeAll
  static void renderRules() throws Exception {
    boolean present = Files.isExecutable(Path.of("/usr/bin/promtool"));
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("promtool must be installed when CI=true (apt-get install prometheus)");
    }
    assumeTrue(present, "promtool not installed");
    JsonNode rule = Chart.render(tmp, Map.of("metrics", Map.of("prometheusRule", Map.of("enabled", true))))
        .ofKind("PrometheusRule").get(0);
    JsonNode groups = rule.at("/spec/groups");
    for (JsonNode group : groups) {
      for (JsonNode r : group.get("rules")) {
        ((ObjectNode) r).remove("annotations");
      }
    }
    rules = tmp.resolve("rules.yaml");
    Files.writeString(rules, Manifests.YAML.writeValueAsString(Map.of("groups", groups)));
  }

  /** Runs one promtool unit-test file against the rendered rules; returns its output. */
  private static String promtool(String tests) throws Exception {
    Path file = Files.createTempFile(tmp, "test", ".yaml");
    Files.writeString(file, "rule_files: [" + rules + "]\nevaluation_interval: 1m\ntests:\n" + tests);
    Process p = new ProcessBuilder("/usr/bin/promtool", "test", "rules", file.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void eachScheduleIsJudgedByItsOwnPeriod() throws Exception {
    // Two agents export the interval (with their own pod label); both schedules last succeeded at t=0.
    promtool("""
          - interval: 1m
            input_series:
              - series: 'etcd_snapshot_schedule_interval_seconds{namespace="snap",schedule="hourly",pod="a"}'
                values: '3600x300'
              - series: 'etcd_snapshot_schedule_interval_seconds{namespace="snap",schedule="hourly",pod="b"}'
                values: '3600x300'
              - series: 'etcd_snapshot_schedule_interval_seconds{namespace="snap",schedule="daily",pod="a"}'
                values: '86400x300'
              - series: 'etcd_snapshot_schedule_last_success_timestamp_seconds{namespace="snap",schedule="hourly",node="n1",pod="a"}'
                values: '0x300'
              - series: 'etcd_snapshot_schedule_last_success_timestamp_seconds{namespace="snap",schedule="daily",node="n1",pod="a"}'
                values: '0x300'
              # An on-demand snapshot moved the per node/storage gauge: it must not hide the dead schedule.
              - series: 'etcd_snapshot_last_success_timestamp_seconds{node="n1",storage="local",pod="a"}'
                values: '0+60x300'
            alert_rule_test:
              - eval_time: 2h
                alertname: EtcdSnapshotStale
                exp_alerts: []
              - eval_time: 2h15m
                alertname: EtcdSnapshotStale
                exp_alerts:
                  - exp_labels: {severity: critical, namespace: snap, schedule: hourly, node: n1}
        """);
  }

  @Test
  void aRemovedNodeOrASuspendedScheduleDoesNotAlert() throws Exception {
    // n2's agent went away after 30 minutes (node removed); "paused" was suspended then, so its agent stopped
    // exporting its series.
    promtool("""
          - interval: 1m
            input_series:
              - series: 'etcd_snapshot_schedule_interval_seconds{namespace="snap",schedule="hourly",pod="a"}'
                values: '3600x300'
              - series: 'etcd_snapshot_schedule_last_success_timestamp_seconds{namespace="snap",schedule="hourly",node="n1",pod="a"}'
                values: '0+60x300'
              - series: 'etcd_snapshot_schedule_last_success_timestamp_seconds{namespace="snap",schedule="hourly",node="n2",pod="b"}'
                values: '0x30'
              - series: 'etcd_snapshot_schedule_interval_seconds{namespace="snap",schedule="paused",pod="a"}'
                values: '3600x30'
              - series: 'etcd_snapshot_schedule_created_timestamp_seconds{namespace="snap",schedule="paused",pod="a"}'
                values: '0x30'
              - series: 'etcd_snapshot_schedule_last_success_timestamp_seconds{namespace="snap",schedule="paused",node="n1",pod="a"}'
                values: '0x30'
            alert_rule_test:
              - eval_time: 4h
                alertname: EtcdSnapshotStale
                exp_alerts: []
              - eval_time: 4h
                alertname: EtcdSnapshotNeverSucceeded
                exp_alerts: []
        """);
  }

  @Test
  void aScheduleWithoutAnySuccessAlertsTwoPeriodsAfterItsCreation() throws Exception {
    // "new" was created at t=0 with a 1 h period and never succeeded; "fine" succeeded once on one node.
    promtool("""
          - interval: 1m
            input_series:
              - series: 'etcd_snapshot_schedule_interval_seconds{namespace="snap",schedule="new",pod="a"}'
                values: '3600x300'
              - series: 'etcd_snapshot_schedule_created_timestamp_seconds{namespace="snap",schedule="new",pod="a"}'
                values: '0x300'
              - series: 'etcd_snapshot_schedule_interval_seconds{namespace="snap",schedule="fine",pod="a"}'
                values: '3600x300'
              - series: 'etcd_snapshot_schedule_created_timestamp_seconds{namespace="snap",schedule="fine",pod="a"}'
                values: '0x300'
              - series: 'etcd_snapshot_schedule_last_success_timestamp_seconds{namespace="snap",schedule="fine",node="n1",pod="a"}'
                values: '_x60 3600+60x240'
            alert_rule_test:
              - eval_time: 1h59m
                alertname: EtcdSnapshotNeverSucceeded
                exp_alerts: []
              - eval_time: 2h15m
                alertname: EtcdSnapshotNeverSucceeded
                exp_alerts:
                  - exp_labels: {severity: critical, namespace: snap, schedule: new}
        """);
  }

  @Test
  void aNodeWithoutAContentVerifiedSnapshotForTwiceTheShortestPeriodAlerts() throws Exception {
    // n1 proves a snapshot every hour; n2 proved one at t=0 and then no more (e.g. etcd compacted first each time).
    promtool("""
          - interval: 1m
            input_series:
              - series: 'etcd_snapshot_schedule_interval_seconds{namespace="snap",schedule="hourly",pod="a"}'
                values: '3600x300'
              - series: 'etcd_snapshot_schedule_interval_seconds{namespace="snap",schedule="daily",pod="a"}'
                values: '86400x300'
              - series: 'etcd_snapshot_last_content_verified_timestamp_seconds{node="n1",pod="a"}'
                values: '0+60x300'
              - series: 'etcd_snapshot_last_content_verified_timestamp_seconds{node="n2",pod="b"}'
                values: '0x300'
            alert_rule_test:
              - eval_time: 2h
                alertname: EtcdSnapshotContentUnverified
                exp_alerts: []
              - eval_time: 2h15m
                alertname: EtcdSnapshotContentUnverified
                exp_alerts:
                  - exp_labels: {severity: warning, node: n2}
        """);
  }

  @Test
  void aContentMismatchOrAnUnreadableSnapshotAlertsButACompactionDoesNot() throws Exception {
    promtool("""
          - interval: 1m
            input_series:
              - series: 'etcd_snapshot_content_verifications_total{node="n1",outcome="mismatch",pod="a"}'
                values: '0x10 1x50'
              - series: 'etcd_snapshot_content_verifications_total{node="n2",outcome="compacted",pod="b"}'
                values: '0x10 1x50'
              - series: 'etcd_snapshot_content_verifications_total{node="n3",outcome="verified",pod="c"}'
                values: '0+1x60'
            alert_rule_test:
              - eval_time: 20m
                alertname: EtcdSnapshotContentMismatch
                exp_alerts:
                  - exp_labels: {severity: critical, node: n1, outcome: mismatch}
        """);
  }

  @Test
  void everyFailingStageButRetentionRaisesTheFailingAlert() throws Exception {
    promtool("""
          - interval: 1m
            input_series:
              - series: 'etcd_snapshot_failures_total{node="n1",storage="s3",stage="config",pod="a"}'
                values: '0 1 2 3 4 5 6 7 8 9 10'
              - series: 'etcd_snapshot_failures_total{node="n1",storage="s3",stage="upload",pod="a"}'
                values: '0 0 0 0 0 1 1 1 1 1 1'
              - series: 'etcd_snapshot_failures_total{node="n2",storage="local",stage="retention",pod="b"}'
                values: '0 1 2 3 4 5 6 7 8 9 10'
            alert_rule_test:
              - eval_time: 10m
                alertname: EtcdSnapshotFailing
                exp_alerts:
                  - exp_labels: {severity: warning, node: n1, storage: s3, stage: config}
                  - exp_labels: {severity: warning, node: n1, storage: s3, stage: upload}
              - eval_time: 10m
                alertname: EtcdSnapshotRetentionFailing
                exp_alerts:
                  - exp_labels: {severity: warning, node: n2, storage: local}
        """);
  }
}
