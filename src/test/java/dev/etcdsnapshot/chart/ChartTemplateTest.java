package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code helm template} renders for each preset and mode, asserted on the parsed objects. */
class ChartTemplateTest {

  private static final String NAME = Chart.RELEASE;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "k3s, /var/lib/rancher/k3s/server/tls/etcd, server-ca.crt, client.crt, client.key,"
        + " /var/lib/rancher/k3s/server/db/snapshots, /var/lib/rancher/k3s/server/db/.metadata,"
        + " node-role.kubernetes.io/etcd, true, k3s",
    "rke2, /var/lib/rancher/rke2/server/tls/etcd, server-ca.crt, client.crt, client.key,"
        + " /var/lib/rancher/rke2/server/db/snapshots, /var/lib/rancher/rke2/server/db/.metadata,"
        + " node-role.kubernetes.io/etcd, true, rke2",
    "kubeadm, /etc/kubernetes/pki/etcd, ca.crt, healthcheck-client.crt, healthcheck-client.key,"
        + " /var/lib/etcd-snapshot/snapshots, /var/lib/etcd-snapshot/.metadata,"
        + " node-role.kubernetes.io/control-plane, '', k3s",
  })
  void daemonSetMountsThePresetsHostPathsAtTheSamePaths(String preset, String certDir, String ca, String cert,
      String key, String snapshotDir, String metadataDir, String selectorKey, String selectorValue, String flavor) {
    Manifests m = Chart.render(tmp, Map.of("preset", preset));
    JsonNode pod = m.get("DaemonSet", NAME).at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");

    assertThat(texts(container.get("args"))).containsSubsequence(
        "operator",
        "--endpoints=https://127.0.0.1:2379",
        "--cacert=" + certDir + "/" + ca,
        "--cert=" + certDir + "/" + cert,
        "--key=" + certDir + "/" + key,
        "--dir=" + snapshotDir,
        "--flavor=" + flavor);
    assertThat(hostPath(pod, certDir)).isEqualTo("Directory");
    assertThat(hostPath(pod, snapshotDir)).isEqualTo("DirectoryOrCreate");
    assertThat(hostPath(pod, metadataDir)).isEqualTo("DirectoryOrCreate");
    assertThat(mount(pod, certDir).path("readOnly").asBoolean()).isTrue();
    assertThat(mount(pod, snapshotDir).path("readOnly").asBoolean()).isFalse();
    assertThat(mount(pod, metadataDir)).isNotNull();
    assertThat(pod.at("/nodeSelector").properties()).hasSize(1);
    assertThat(pod.at("/nodeSelector").path(selectorKey).asText(null)).isEqualTo(selectorValue);
  }

  @Test
  void agentsRunOnTaintedEtcdNodesInTheHostNetworkAndKnowTheirNode() {
    JsonNode pod = Chart.render(tmp, Map.of()).get("DaemonSet", NAME).at("/spec/template/spec");

    assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
    assertThat(pod.path("dnsPolicy").asText()).isEqualTo("ClusterFirstWithHostNet");
    List<String> tolerated = new ArrayList<>();
    for (JsonNode t : pod.get("tolerations")) {
      assertThat(t.path("operator").asText()).isEqualTo("Exists");
      assertThat(t.has("effect")).as("a toleration for every effect").isFalse();
      tolerated.add(t.path("key").asText());
    }
    assertThat(tolerated).contains("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master",
        "node-role.kubernetes.io/etcd");
    JsonNode env = pod.at("/containers/0/env");
    assertThat(env(env, "NODE_NAME").at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("spec.nodeName");
    assertThat(env(env, "POD_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.namespace");
    assertThat(texts(pod.at("/containers/0/args"))).contains("--namespace=" + Chart.NAMESPACE,
        "--leader-election=true", "--sync-interval=10m", "--metrics-port=9794");
  }

  @Test
  void agentsRunAsRootOnlyForTheFileOwnerAndKeepNoPrivilege() {
    JsonNode pod = Chart.render(tmp, Map.of()).get("DaemonSet", NAME).at("/spec/template/spec");
    JsonNode sc = pod.at("/containers/0/securityContext");

    assertThat(pod.at("/securityContext/runAsUser").asInt(-1)).isZero();
    assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(texts(sc.at("/capabilities/drop"))).containsExactly("ALL");
    assertThat(sc.has("privileged") && sc.get("privileged").asBoolean()).isFalse();
    assertThat(sc.at("/capabilities/add").isMissingNode()).isTrue();
    assertThat(sc.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(mount(pod, "/tmp")).as("a writable temp dir on a read-only root").isNotNull();
    assertThat(volume(pod, mount(pod, "/tmp").path("name").asText()).has("emptyDir")).isTrue();
    assertThat(texts(pod.at("/containers/0/env")).toString()).contains("-Djava.io.tmpdir=/tmp");
  }

  @Test
  void valuesUnderEtcdOverrideThePreset() {
    Manifests m = Chart.render(tmp, Map.of("preset", "rke2",
        "etcd", Map.of("snapshotDir", "/data/etcd/snaps", "endpoints", List.of("https://10.1.1.1:2379"))));
    JsonNode pod = m.get("DaemonSet", NAME).at("/spec/template/spec");

    assertThat(texts(pod.at("/containers/0/args")))
        .contains("--dir=/data/etcd/snaps", "--endpoints=https://10.1.1.1:2379", "--flavor=rke2",
            "--cacert=/var/lib/rancher/rke2/server/tls/etcd/server-ca.crt");
    assertThat(hostPath(pod, "/data/etcd/snaps")).isEqualTo("DirectoryOrCreate");
    assertThat(hostPath(pod, "/data/etcd/.metadata")).isEqualTo("DirectoryOrCreate");
  }

  @Test
  void deploymentModeRunsOneUnprivilegedReplicaAgainstExternalEtcd() {
    Manifests m = Chart.render(tmp, Map.of("mode", "deployment",
        "etcd", Map.of("endpoints", List.of("https://etcd-0.example:2379", "https://etcd-1.example:2379")),
        "deployment", Map.of("nodeName", "etcd-0", "certsSecret", Map.of("name", "etcd-client"))));

    assertThat(m.ofKind("DaemonSet")).isEmpty();
    ObjectNode deployment = m.get("Deployment", NAME);
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
    JsonNode pod = deployment.at("/spec/template/spec");
    assertThat(pod.path("hostNetwork").asBoolean(false)).isFalse();
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
    assertThat(texts(pod.at("/containers/0/args"))).contains(
        "--endpoints=https://etcd-0.example:2379,https://etcd-1.example:2379",
        "--cacert=/etc/etcd-snapshot/etcd-certs/ca.crt", "--dir=/var/lib/etcd-snapshot/snapshots");
    assertThat(env(pod.at("/containers/0/env"), "NODE_NAME").path("value").asText()).isEqualTo("etcd-0");
    assertThat(volume(pod, "etcd-certs").at("/secret/secretName").asText()).isEqualTo("etcd-client");
    assertThat(volume(pod, "snapshots").at("/persistentVolumeClaim/claimName").asText())
        .isEqualTo(NAME + "-snapshots");
    assertThat(m.get("PersistentVolumeClaim", NAME + "-snapshots")
        .at("/metadata/annotations/helm.sh~1resource-policy").asText())
        .as("uninstalling never deletes the snapshots").isEqualTo("keep");
    assertThat(StreamSupport.stream(pod.get("volumes").spliterator(), false))
        .noneMatch(v -> v.has("hostPath"));
  }

  @Test
  void deploymentModeWithoutPersistenceUsesAnEmptyDirAndSaysSo() {
    String text = Chart.renderText(tmp, Map.of("mode", "deployment",
        "etcd", Map.of("endpoints", List.of("https://etcd:2379")),
        "deployment", Map.of("certsSecret", Map.of("name", "etcd-client"), "persistence", Map.of("enabled", false))));
    JsonNode pod = Manifests.parse(text).get("Deployment", NAME).at("/spec/template/spec");

    assertThat(volume(pod, "snapshots").has("emptyDir")).isTrue();
    assertThat(text).contains("WARNING: snapshots in an emptyDir are lost with the pod");
    assertThat(Manifests.parse(text).ofKind("PersistentVolumeClaim")).isEmpty();
  }

  @Test
  void deploymentModeRefusesMissingEndpointsAndCertificates() {
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("mode", "deployment",
            "deployment", Map.of("certsSecret", Map.of("name", "etcd-client")))))
        .hasMessageContaining("etcd.endpoints is required in deployment mode");
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("mode", "deployment",
            "etcd", Map.of("endpoints", List.of("https://etcd:2379")))))
        .hasMessageContaining("deployment.certsSecret.name is required");
  }

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
  void monitoringObjectsAlertOnFailingStaleAndRetention() {
    Manifests m = Chart.render(tmp, Map.of("metrics", Map.of(
        "service", Map.of("enabled", true),
        "serviceMonitor", Map.of("enabled", true),
        "prometheusRule", Map.of("enabled", true, "snapshotIntervalSeconds", 3600))));

    ObjectNode service = m.get("Service", NAME + "-metrics");
    assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("metrics");
    ObjectNode monitor = m.get("ServiceMonitor", NAME);
    assertThat(monitor.at("/spec/selector/matchLabels/app.kubernetes.io~1component").asText())
        .isEqualTo(service.at("/metadata/labels/app.kubernetes.io~1component").asText());
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");

    JsonNode rules = m.get("PrometheusRule", NAME).at("/spec/groups/0/rules");
    assertThat(rules.findValuesAsText("alert"))
        .containsExactly("EtcdSnapshotFailing", "EtcdSnapshotStale", "EtcdSnapshotRetentionFailing");
    assertThat(rules.get(0).path("expr").asText()).contains("etcd_snapshot_failures_total", "[3600s]");
    assertThat(rules.get(1).path("expr").asText())
        .contains("time() - ", "etcd_snapshot_last_success_timestamp_seconds").endsWith("> 7200");
    assertThat(rules.get(2).path("expr").asText()).contains("stage=\"retention\"");
    assertThat(rules.get(1).at("/annotations/summary").asText()).contains("{{ $labels.node }}");
  }

  @Test
  void aServiceMonitorWithoutItsServiceIsRefused() {
    assertThatThrownBy(() -> Chart.render(tmp, Map.of("metrics", Map.of("serviceMonitor", Map.of("enabled", true)))))
        .hasMessageContaining("metrics.serviceMonitor.enabled needs metrics.service.enabled");
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isValueNode() ? n.asText() : n.toString()));
    return out;
  }

  static JsonNode env(JsonNode env, String name) {
    for (JsonNode e : env) {
      if (name.equals(e.path("name").asText())) {
        return e;
      }
    }
    throw new AssertionError("no env " + name + " in " + env);
  }

  static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode v : pod.get("volumes")) {
      if (name.equals(v.path("name").asText())) {
        return v;
      }
    }
    throw new AssertionError("no volume " + name + " in " + pod.get("volumes"));
  }

  /** The mount at {@code path}, or null. */
  static JsonNode mount(JsonNode pod, String path) {
    for (JsonNode v : pod.at("/containers/0/volumeMounts")) {
      if (path.equals(v.path("mountPath").asText())) {
        return v;
      }
    }
    return null;
  }

  /** The hostPath type of the volume mounted at {@code path}, which must come from the same host path. */
  static String hostPath(JsonNode pod, String path) {
    JsonNode mount = mount(pod, path);
    assertThat(mount).as("a mount at %s", path).isNotNull();
    JsonNode volume = volume(pod, mount.path("name").asText());
    assertThat(volume.at("/hostPath/path").asText()).as("host path of the mount at %s", path).isEqualTo(path);
    return volume.at("/hostPath/type").asText();
  }
}
