package dev.etcdsnapshot.chart;

import static dev.etcdsnapshot.chart.PodTemplate.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart grants only what the operator uses, and Secrets only in the watched namespaces. */
class ChartRbacTest {

  @TempDir Path tmp;

  @Test
  void noRuleUsesAWildcard() {
    Manifests m = Chart.render(tmp, Map.of("operator", Map.of("watchNamespaces", List.of("a", "b"))));
    List<ObjectNode> roles = new ArrayList<>(m.ofKind("ClusterRole"));
    roles.addAll(m.ofKind("Role"));

    assertThat(roles).hasSizeGreaterThanOrEqualTo(3);
    for (ObjectNode role : roles) {
      for (JsonNode rule : role.get("rules")) {
        assertThat(texts(rule.get("verbs"))).as("verbs of %s", Manifests.id(role)).doesNotContain("*");
        assertThat(texts(rule.get("resources"))).as("resources of %s", Manifests.id(role)).doesNotContain("*")
            .allMatch(r -> !r.endsWith("/*"));
        assertThat(texts(rule.get("apiGroups"))).as("apiGroups of %s", Manifests.id(role)).doesNotContain("*");
        assertThat(rule.has("nonResourceURLs")).isFalse();
      }
    }
  }

  @Test
  void noClusterRoleReadsSecretsOrConfigMaps() {
    Manifests m = Chart.render(tmp, Map.of());

    assertThat(m.ofKind("ClusterRole")).isNotEmpty();
    for (ObjectNode role : m.ofKind("ClusterRole")) {
      for (JsonNode rule : role.get("rules")) {
        assertThat(texts(rule.get("resources"))).as("a cluster-wide rule of %s", Manifests.id(role))
            .doesNotContain("secrets", "configmaps");
      }
    }
  }

  @Test
  void clusterRoleCoversEtcdSnapshotFilesNodesAndEventsOnly() {
    ObjectNode role = Chart.render(tmp, Map.of()).get("ClusterRole", Chart.RELEASE);

    assertThat(verbs(role, "k3s.cattle.io", "etcdsnapshotfiles"))
        .containsExactlyInAnyOrder("get", "list", "watch", "create", "update", "patch", "delete");
    // patch: k3s's reconcile timestamps on the agent's own Node (operator.nodeAnnotations).
    assertThat(verbs(role, "", "nodes")).containsExactlyInAnyOrder("get", "list", "watch", "patch");
    assertThat(verbs(role, "", "events")).containsExactly("create");
    assertThat(verbs(role, "", "namespaces")).containsExactly("get");
    assertThat(verbs(role, "apiextensions.k8s.io", "customresourcedefinitions")).containsExactly("get");
    assertThat(resources(role)).containsExactlyInAnyOrder("etcdsnapshotfiles", "nodes", "nodes", "events", "namespaces",
        "customresourcedefinitions");
    for (JsonNode rule : role.get("rules")) {
      if (texts(rule.get("resources")).contains("namespaces")) {
        assertThat(texts(rule.get("resourceNames"))).as("only the cluster id").containsExactly("kube-system");
      }
      if (texts(rule.get("resources")).contains("customresourcedefinitions")) {
        assertThat(texts(rule.get("resourceNames"))).as("only k3s's CRD")
            .containsExactly("etcdsnapshotfiles.k3s.cattle.io");
      }
    }
  }

  @Test
  void kubeSystemGrantsOnlyTheFlavoursExtraMetadataConfigMap() {
    for (String preset : List.of("k3s", "rke2")) {
      ObjectNode role = Chart.render(tmp, Map.of("preset", preset)).get("Role", Chart.RELEASE + "-extra-metadata");

      assertThat(role.at("/metadata/namespace").asText()).isEqualTo("kube-system");
      assertThat(role.get("rules")).hasSize(1);
      assertThat(texts(role.at("/rules/0/resources"))).containsExactly("configmaps");
      assertThat(texts(role.at("/rules/0/verbs"))).containsExactly("get");
      assertThat(texts(role.at("/rules/0/resourceNames"))).containsExactly(preset + "-etcd-snapshot-extra-metadata");
    }
  }

  @Test
  void nodePatchGoesWithTheNodeAnnotations() {
    Manifests m = Chart.render(tmp, Map.of("operator", Map.of("nodeAnnotations", false)));
    assertThat(verbs(m.get("ClusterRole", Chart.RELEASE), "", "nodes")).containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(m.get("DaemonSet", Chart.RELEASE).at("/spec/template/spec/containers/0/args").toString())
        .contains("--node-annotations=false");
  }

  /** k3s keeps its S3 Secret in kube-system (pkg/etcd/s3/config_secret.go): readable by name only. */
  @Test
  void kubeSystemS3SecretIsGrantedByNameOnly() {
    for (String preset : List.of("k3s", "rke2")) {
      Manifests m = Chart.render(tmp, Map.of("preset", preset, "schedule", Map.of("enabled", true),
          "s3", Map.of("enabled", true, "kubeSystemSecret", Map.of("enabled", true,
              "caConfigMaps", List.of("s3-ca")))));
      String secret = preset + "-etcd-snapshot-s3-config";
      ObjectNode role = m.get("Role", Chart.RELEASE + "-s3-config");
      assertThat(role.at("/metadata/namespace").asText()).isEqualTo("kube-system");
      assertThat(role.get("rules")).hasSize(2);
      for (JsonNode rule : role.get("rules")) {
        assertThat(texts(rule.get("verbs"))).containsExactlyInAnyOrder("get", "list", "watch");
        assertThat(texts(rule.get("resourceNames"))).as("by name")
            .containsExactly(texts(rule.get("resources")).contains("secrets") ? secret : "s3-ca");
      }
      assertThat(m.get("RoleBinding", Chart.RELEASE + "-s3-config").at("/roleRef/name").asText())
          .isEqualTo(Chart.RELEASE + "-s3-config");
      assertThat(m.get("DaemonSet", Chart.RELEASE).at("/spec/template/spec/containers/0/args").toString())
          .contains("--kube-system-s3-secret=" + secret);
      ObjectNode schedule = m.ofKind("ETCDSnapshotSchedule").get(0);
      assertThat(schedule.at("/spec/s3/secretRef/name").asText()).isEqualTo(secret);
      assertThat(schedule.at("/spec/s3/secretRef/namespace").asText()).isEqualTo("kube-system");
      assertThat(m.ofKind("Secret")).as("k3s's Secret is used, none is created").isEmpty();
    }
    Manifests without = Chart.render(tmp, Map.of("s3", Map.of("enabled", true, "bucket", "b",
        "kubeSystemSecret", Map.of("enabled", true))));
    assertThat(without.get("Role", Chart.RELEASE + "-s3-config").get("rules")).as("no CA ConfigMap: no rule, "
        + "since a rule without resourceNames would grant them all").hasSize(1);
    assertThat(Chart.render(tmp, Map.of()).find("Role", Chart.RELEASE + "-s3-config")).isEmpty();
  }

  @Test
  void secretsConfigMapsAndOurKindsAreGrantedPerWatchedNamespace() {
    Manifests m = Chart.render(tmp, Map.of("operator", Map.of("watchNamespaces", List.of("team-a", "team-b"))));

    for (String ns : List.of("team-a", "team-b")) {
      ObjectNode role = m.ofKind("Role").stream()
          .filter(r -> ns.equals(r.at("/metadata/namespace").asText())).findFirst()
          .orElseThrow(() -> new AssertionError("no Role in " + ns + ": " + m.ids()));
      assertThat(verbs(role, "", "secrets")).containsExactlyInAnyOrder("get", "list", "watch");
      assertThat(verbs(role, "", "configmaps")).containsExactlyInAnyOrder("get", "list", "watch");
      assertThat(verbs(role, "etcdsnapshot.dev", "etcdsnapshotschedules")).contains("get", "list", "watch")
          .doesNotContain("create");
      assertThat(verbs(role, "etcdsnapshot.dev", "etcdsnapshotschedules/status")).contains("update", "patch");
      assertThat(verbs(role, "etcdsnapshot.dev", "etcdsnapshotrequests/finalizers")).contains("update");
      ObjectNode binding = m.ofKind("RoleBinding").stream()
          .filter(b -> ns.equals(b.at("/metadata/namespace").asText())).findFirst().orElseThrow();
      assertThat(binding.at("/roleRef/name").asText()).isEqualTo(role.at("/metadata/name").asText());
      assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    }
    assertThat(m.get("DaemonSet", Chart.RELEASE).at("/spec/template/spec/containers/0/args").toString())
        .contains("--namespace=team-a", "--namespace=team-b").doesNotContain("--namespace=" + Chart.NAMESPACE);
    // Leases stay in the release namespace: leader election and the agents' liveness.
    ObjectNode leases = m.get("Role", Chart.RELEASE + "-leases");
    assertThat(leases.at("/metadata/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    assertThat(verbs(leases, "coordination.k8s.io", "leases")).contains("get", "create", "update");
    assertThat(resources(leases)).containsExactly("leases");
  }

  @Test
  void bindingsNameTheChartsServiceAccount() {
    Manifests m = Chart.render(tmp, Map.of());
    String sa = m.get("ServiceAccount", Chart.RELEASE).at("/metadata/name").asText();

    List<ObjectNode> bindings = new ArrayList<>(m.ofKind("ClusterRoleBinding"));
    bindings.addAll(m.ofKind("RoleBinding"));
    assertThat(bindings).hasSize(4);
    for (ObjectNode b : bindings) {
      assertThat(b.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
      assertThat(b.at("/subjects/0/name").asText()).isEqualTo(sa);
      String refKind = b.at("/roleRef/kind").asText();
      assertThat(m.find(refKind, b.at("/roleRef/name").asText())).as("role of %s", Manifests.id(b)).isPresent();
    }
    assertThat(m.get("DaemonSet", Chart.RELEASE).at("/spec/template/spec/serviceAccountName").asText())
        .isEqualTo(sa);
  }

  private static List<String> verbs(JsonNode role, String group, String resource) {
    List<String> out = new ArrayList<>();
    for (JsonNode rule : role.get("rules")) {
      if (texts(rule.get("apiGroups")).contains(group) && texts(rule.get("resources")).contains(resource)) {
        out.addAll(texts(rule.get("verbs")));
      }
    }
    return out;
  }

  private static List<String> resources(JsonNode role) {
    List<String> out = new ArrayList<>();
    role.get("rules").forEach(r -> out.addAll(texts(r.get("resources"))));
    return out;
  }
}
