package dev.etcdsnapshot.chart;

import static dev.etcdsnapshot.chart.PodTemplate.env;
import static dev.etcdsnapshot.chart.PodTemplate.hostPath;
import static dev.etcdsnapshot.chart.PodTemplate.mount;
import static dev.etcdsnapshot.chart.PodTemplate.texts;
import static dev.etcdsnapshot.chart.PodTemplate.volume;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code helm template} renders for the agents of each preset, asserted on the parsed objects. */
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
    for (String file : List.of(ca, cert, key)) {
      assertThat(hostPath(pod, certDir + "/" + file)).isEqualTo("File");
      assertThat(mount(pod, certDir + "/" + file).path("readOnly").asBoolean()).isTrue();
    }
    assertThat(hostPaths(pod)).as("the CA private keys beside the files stay on the host")
        .noneMatch(p -> p.equals(certDir) || p.endsWith(".key") && !p.equals(certDir + "/" + key));
    assertThat(hostPath(pod, snapshotDir)).isEqualTo("DirectoryOrCreate");
    assertThat(hostPath(pod, metadataDir)).isEqualTo("DirectoryOrCreate");
    assertThat(mount(pod, snapshotDir).path("readOnly").asBoolean()).isFalse();
    assertThat(mount(pod, metadataDir)).isNotNull();
    assertThat(pod.at("/nodeSelector").properties()).hasSize(1);
    assertThat(pod.at("/nodeSelector").path(selectorKey).asText(null)).isEqualTo(selectorValue);
  }

  /** k3s pkg/util/api.go BuildControllerEventRecorder: Events come from <program>-supervisor. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"k3s, k3s-supervisor", "rke2, rke2-supervisor", "kubeadm, etcd-snapshot-operator"})
  void theEventComponentFollowsThePresetAndCanBeSet(String preset, String component) {
    assertThat(texts(Chart.render(tmp, Map.of("preset", preset)).get("DaemonSet", NAME)
        .at("/spec/template/spec/containers/0/args"))).contains("--event-component=" + component);
    assertThat(texts(Chart.render(tmp, Map.of("preset", preset, "operator", Map.of("eventComponent", "ours")))
        .get("DaemonSet", NAME).at("/spec/template/spec/containers/0/args"))).contains("--event-component=ours");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"k3s, /var/lib/rancher/k3s/server/token", "rke2, /var/lib/rancher/rke2/server/token", "kubeadm, ''"})
  void theServerTokenFileIsMountedReadOnlyWhereThePresetHasOne(String preset, String tokenFile) {
    JsonNode pod = Chart.render(tmp, Map.of("preset", preset)).get("DaemonSet", NAME).at("/spec/template/spec");

    assertThat(texts(pod.at("/containers/0/args"))).contains("--token-file=" + tokenFile);
    List<String> volumes = new ArrayList<>();
    pod.get("volumes").forEach(v -> volumes.add(v.path("name").asText()));
    if (tokenFile.isEmpty()) {
      assertThat(volumes).as("kubeadm has no token: nothing to mount").doesNotContain("server-token");
    } else {
      // File, not FileOrCreate: creating an empty token file on the host would break the distribution.
      assertThat(hostPath(pod, tokenFile)).isEqualTo("File");
      assertThat(mount(pod, tokenFile).path("readOnly").asBoolean()).isTrue();
    }
  }

  @Test
  void theTokenFileCanBeMovedOrTurnedOff() {
    JsonNode moved = Chart.render(tmp, Map.of("etcd", Map.of("tokenFile", "/srv/k3s/server/token")))
        .get("DaemonSet", NAME).at("/spec/template/spec");
    assertThat(texts(moved.at("/containers/0/args"))).contains("--token-file=/srv/k3s/server/token");
    assertThat(hostPath(moved, "/srv/k3s/server/token")).isEqualTo("File");

    JsonNode off = Chart.render(tmp, Map.of("presets", Map.of("k3s", Map.of("tokenFile", ""))))
        .get("DaemonSet", NAME).at("/spec/template/spec");
    assertThat(texts(off.at("/containers/0/args"))).contains("--token-file=");
    assertThat(mount(off, "/var/lib/rancher/k3s/server/token")).isNull();
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
  void aCertificateAndKeyInOneFileAreMountedOnce() {
    Manifests m = Chart.render(tmp, Map.of("etcd", Map.of("caFile", "/etc/etcd/ca.pem",
        "certFile", "/etc/etcd/client.pem", "keyFile", "/etc/etcd/client.pem")));
    JsonNode pod = m.get("DaemonSet", NAME).at("/spec/template/spec");

    assertThat(texts(pod.at("/containers/0/args"))).contains("--cert=/etc/etcd/client.pem",
        "--key=/etc/etcd/client.pem");
    assertThat(hostPath(pod, "/etc/etcd/ca.pem")).isEqualTo("File");
    assertThat(hostPath(pod, "/etc/etcd/client.pem")).isEqualTo("File");
    assertThat(hostPaths(pod)).filteredOn(p -> p.startsWith("/etc/etcd"))
        .containsExactlyInAnyOrder("/etc/etcd/ca.pem", "/etc/etcd/client.pem");
  }

  private static List<String> hostPaths(JsonNode pod) {
    List<String> out = new ArrayList<>();
    pod.get("volumes").forEach(v -> {
      if (v.has("hostPath")) {
        out.add(v.at("/hostPath/path").asText());
      }
    });
    return out;
  }

}
