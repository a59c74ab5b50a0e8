package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values the schema refuses, and the optional objects: schedule, S3 Secret, metrics Service, ServiceMonitor, alerts. */
class ChartValuesTest {

  private static final String NAME = Chart.RELEASE;

  @TempDir Path tmp;

  @Test
  void schemaRejectsBadValuesNamingTheField() {
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("mode", "foo"))).hasMessageContaining("/mode");
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("preset", "microk8s"))).hasMessageContaining("/preset");
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("s3", Map.of("endpoint", "https://s3.example.com"))))
        .as("k3s refuses an endpoint with a scheme").hasMessageContaining("/s3/endpoint");
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("schedule", Map.of("deletionPolicy", "Purge"))))
        .hasMessageContaining("/schedule/deletionPolicy");
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("operator", Map.of("syncInterval", "ten minutes"))))
        .hasMessageContaining("/operator/syncInterval");
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("etcd", Map.of("snapshotDir", "relative/dir"))))
        .hasMessageContaining("/etcd/snapshotDir");
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("modes", "daemonset")))
        .as("a misspelt key is not silently ignored").hasMessageContaining("modes");
  }

  @Test
  void defaultsCreateNoScheduleSecretOrMonitoringObjects() {
    Manifests m = Chart.render(tmp, Map.of());

    assertThat(m.ofKind("ETCDSnapshotSchedule")).isEmpty();
    assertThat(m.ofKind("Secret")).isEmpty();
    assertThat(m.ofKind("Service")).isEmpty();
    assertThat(m.ofKind("ServiceMonitor")).isEmpty();
    assertThat(m.ofKind("PrometheusRule")).isEmpty();
    assertThat(m.ofKind("DaemonSet")).hasSize(1);
  }

  @Test
  void scheduleAndItsS3SecretAreRenderedFromValues() {
    Manifests m = Chart.render(tmp, Map.of(
        "schedule", Map.of("enabled", true, "name", "twice-daily", "cron", "0 */6 * * *",
            "timeZone", "Europe/Berlin", "retention", 7, "compress", true, "deletionPolicy", "Delete"),
        "s3", Map.of("enabled", true, "bucket", "etcd-backups", "folder", "prod", "endpoint", "minio.local:9000",
            "accessKey", "AKIAEXAMPLE", "secretKey", "s3cr3t", "insecure", true, "retention", 10,
            "retentionScope", "cluster")));

    ObjectNode schedule = m.get("ETCDSnapshotSchedule", "twice-daily");
    assertThat(schedule.path("apiVersion").asText()).isEqualTo("etcdsnapshot.dev/v1alpha1");
    assertThat(schedule.at("/metadata/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    JsonNode spec = schedule.get("spec");
    assertThat(spec.path("schedule").asText()).isEqualTo("0 */6 * * *");
    assertThat(spec.path("timeZone").asText()).isEqualTo("Europe/Berlin");
    assertThat(spec.path("retention").asInt()).isEqualTo(7);
    assertThat(spec.path("compress").asBoolean()).isTrue();
    assertThat(spec.path("deletionPolicy").asText()).isEqualTo("Delete");
    assertThat(spec.at("/s3/secretRef/name").asText()).isEqualTo(NAME + "-s3");
    assertThat(spec.at("/s3/retention").asInt()).isEqualTo(10);
    assertThat(spec.at("/s3/retentionScope").asText()).isEqualTo("cluster");

    ObjectNode secret = m.get("Secret", NAME + "-s3");
    assertThat(secret.path("type").asText()).isEqualTo("etcd.k3s.cattle.io/s3-config-secret");
    JsonNode data = secret.get("stringData");
    assertThat(data.path("etcd-s3-bucket").asText()).isEqualTo("etcd-backups");
    assertThat(data.path("etcd-s3-folder").asText()).isEqualTo("prod");
    assertThat(data.path("etcd-s3-endpoint").asText()).isEqualTo("minio.local:9000");
    assertThat(data.path("etcd-s3-access-key").asText()).isEqualTo("AKIAEXAMPLE");
    assertThat(data.path("etcd-s3-secret-key").asText()).isEqualTo("s3cr3t");
    assertThat(data.path("etcd-s3-insecure").asText()).isEqualTo("true");
    assertThat(data.has("etcd-s3-session-token")).as("empty keys are left out: present-but-empty wins in k3s")
        .isFalse();
    assertThat(data.properties()).allMatch(e -> e.getKey().startsWith("etcd-s3-"));
  }

  @Test
  void anEmptyEndpointOrRegionIsLeftOutOfTheS3SecretSoTheDefaultsApply() {
    Manifests m = Chart.render(tmp, Map.of("s3", Map.of("enabled", true, "bucket", "etcd-backups",
        "endpoint", "", "region", "")));

    JsonNode data = m.get("Secret", NAME + "-s3").get("stringData");
    // A present-but-empty key overrides the default in k3s (an empty endpoint is refused outright).
    assertThat(data.has("etcd-s3-endpoint")).isFalse();
    assertThat(data.has("etcd-s3-region")).isFalse();
    assertThat(data.path("etcd-s3-bucket").asText()).isEqualTo("etcd-backups");

    JsonNode defaults = Chart.render(tmp, Map.of("s3", Map.of("enabled", true, "bucket", "b")))
        .get("Secret", NAME + "-s3").get("stringData");
    assertThat(defaults.path("etcd-s3-endpoint").asText()).isEqualTo("s3.amazonaws.com");
    assertThat(defaults.path("etcd-s3-region").asText()).isEqualTo("us-east-1");
  }

  @Test
  void anExistingS3SecretIsReferencedAndNoneIsCreated() {
    Manifests m = Chart.render(tmp, Map.of("schedule", Map.of("enabled", true),
        "s3", Map.of("enabled", true, "existingSecret", "my-etcd-s3")));

    assertThat(m.ofKind("Secret")).isEmpty();
    assertThat(m.get("ETCDSnapshotSchedule", "etcd-snapshot").at("/spec/s3/secretRef/name").asText())
        .isEqualTo("my-etcd-s3");
  }

  @Test
  void anS3SecretWithoutBucketIsRefused() {
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("s3", Map.of("enabled", true))))
        .hasMessageContaining("s3.bucket is required");
  }

  @Test
  void monitoringObjectsAlertOnFailingStaleNeverSucceededAndRetention() {
    Manifests m = Chart.render(tmp, Map.of("metrics", Map.of(
        "service", Map.of("enabled", true),
        "serviceMonitor", Map.of("enabled", true),
        "prometheusRule", Map.of("enabled", true, "failureWindow", "6h"))));

    ObjectNode service = m.get("Service", NAME + "-metrics");
    assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("metrics");
    ObjectNode monitor = m.get("ServiceMonitor", NAME);
    assertThat(monitor.at("/spec/selector/matchLabels/app.kubernetes.io~1component").asText())
        .isEqualTo(service.at("/metadata/labels/app.kubernetes.io~1component").asText());
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
    assertThat(monitor.at("/spec/endpoints/0/honorLabels").asBoolean())
        .as("the schedule's namespace label is not renamed to exported_namespace").isTrue();

    JsonNode rules = m.get("PrometheusRule", NAME).at("/spec/groups/0/rules");
    assertThat(rules.findValuesAsText("alert")).containsExactly("EtcdSnapshotFailing", "EtcdSnapshotStale",
        "EtcdSnapshotNeverSucceeded", "EtcdSnapshotRetentionFailing",
        "EtcdSnapshotContentUnverified", "EtcdSnapshotContentMismatch");
    // Every stage but retention, config (a broken S3 Secret) included; retention has its own alert.
    assertThat(rules.get(0).path("expr").asText())
        .contains("etcd_snapshot_failures_total{stage!=\"retention\"}[6h]", "by (node, storage, stage)");
    assertThat(rules.get(1).path("expr").asText()).contains(
        "time() - max by (namespace, schedule, node) (etcd_snapshot_schedule_last_success_timestamp_seconds)",
        "> on (namespace, schedule) group_left ()",
        "2 * max by (namespace, schedule) (etcd_snapshot_schedule_interval_seconds)")
        .doesNotContain("etcd_snapshot_last_success_timestamp_seconds");
    assertThat(rules.get(2).path("expr").asText()).contains("etcd_snapshot_schedule_created_timestamp_seconds",
        "unless on (namespace, schedule) etcd_snapshot_schedule_last_success_timestamp_seconds");
    assertThat(rules.get(3).path("expr").asText()).contains("stage=\"retention\"", "[6h]");
    assertThat(rules.get(0).at("/annotations/summary").asText()).contains("{{ $labels.stage }}");
    assertThat(rules.get(1).at("/annotations/summary").asText())
        .contains("{{ $labels.namespace }}/{{ $labels.schedule }}", "{{ $labels.node }}");
    assertThat(rules.get(1).path("for").asText()).isEqualTo("10m");
  }

  @Test
  void aServiceMonitorWithoutItsServiceIsRefused() {
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("metrics", Map.of("serviceMonitor", Map.of("enabled", true)))))
        .hasMessageContaining("metrics.serviceMonitor.enabled needs metrics.service.enabled");
  }
}
