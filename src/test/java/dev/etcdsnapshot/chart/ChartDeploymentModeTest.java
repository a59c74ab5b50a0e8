package dev.etcdsnapshot.chart;

import static dev.etcdsnapshot.chart.PodTemplate.env;
import static dev.etcdsnapshot.chart.PodTemplate.hostPath;
import static dev.etcdsnapshot.chart.PodTemplate.texts;
import static dev.etcdsnapshot.chart.PodTemplate.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Deployment mode for an external etcd: one unprivileged replica, certificates from a Secret, a kept volume. */
class ChartDeploymentModeTest {

  private static final String NAME = Chart.RELEASE;

  @TempDir Path tmp;

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
        "--cacert=/etc/etcd-snapshot/etcd-certs/ca.crt", "--dir=/var/lib/etcd-snapshot/snapshots",
        "--token-file=");
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
}
