package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code helm install} tells the user to do next. */
class ChartNotesTest {

  @TempDir Path tmp;

  @Test
  void onK3sTheNotesSayToTurnOffK3sOwnScheduleAndWhatToApplyNext() throws IOException {
    String notes = Chart.notes(tmp, Map.of());

    assertThat(notes).contains("etcd-disable-snapshots: true", "/etc/rancher/k3s/config.yaml",
        "systemctl restart k3s", "/var/lib/rancher/k3s/server/db/snapshots",
        "kubectl -n etcd-snapshot apply -f - <<'EOF'", "kubectl -n etcd-snapshot create -f - <<'EOF'",
        "kubectl get etcdsnapshotfile", "operator/docs/", "etcdsnapshot.dev/snapshot-data");
    // A chart user has no repository checkout: nothing may point into one as if it were local.
    assertThat(notes).doesNotContain("operator/examples", "-f operator/");
    List<ObjectNode> objects = pipedManifests(notes);
    assertThat(objects).extracting(o -> o.path("kind").asText())
        .containsExactly("ETCDSnapshotSchedule", "ETCDSnapshotRequest");
    for (ObjectNode o : objects) {
      assertThat(ExamplesTest.schemaOf(o.path("kind").asText()).violations(o)).as("%s", o).isEmpty();
    }
    assertThat(objects.get(1).at("/metadata/generateName").asText()).as("kubectl create makes a new request")
        .isNotEmpty();
  }

  @Test
  void theObjectsToCreateGoWhereTheOperatorLooks() {
    String notes = Chart.notes(tmp, Map.of("operator", Map.of("watchNamespaces", List.of("snapshots"))));

    assertThat(notes).contains("kubectl -n snapshots apply -f - <<'EOF'", "kubectl -n snapshots create -f - <<'EOF'")
        .doesNotContain("kubectl -n etcd-snapshot apply");
    assertThat(Chart.notes(tmp, Map.of("schedule", Map.of("enabled", true),
        "operator", Map.of("watchNamespaces", List.of("snapshots")))))
        .contains("WARNING: the release namespace etcd-snapshot is not in operator.watchNamespaces");
  }

  @Test
  void onRke2TheServiceAndConfigAreRke2s() {
    String notes = Chart.notes(tmp, Map.of("preset", "rke2"));

    assertThat(notes).contains("/etc/rancher/rke2/config.yaml", "systemctl restart rke2-server")
        .doesNotContain("rancher/k3s");
  }

  @Test
  void kubeadmHasNoScheduleToTurnOff() {
    assertThat(Chart.notes(tmp, Map.of("preset", "kubeadm")))
        .doesNotContain("etcd-disable-snapshots").contains("/var/lib/etcd-snapshot/snapshots");
  }

  @Test
  void aScheduleFromValuesIsNamedAndAnEmptyDirIsWarnedAbout() {
    String notes = Chart.notes(tmp, Map.of("mode", "deployment", "schedule", Map.of("enabled", true),
        "etcd", Map.of("endpoints", List.of("https://etcd:2379")),
        "deployment", Map.of("certsSecret", Map.of("name", "c"), "persistence", Map.of("enabled", false))));

    assertThat(notes).contains("get etcdsnapshotschedule etcd-snapshot", "WARNING", "LOST")
        .doesNotContain("kind: ETCDSnapshotSchedule", "not in operator.watchNamespaces");
  }

  /** The YAML of every {@code <<'EOF'} here-document in the notes, as a user would pipe it to kubectl. */
  private static List<ObjectNode> pipedManifests(String notes) throws IOException {
    List<ObjectNode> out = new ArrayList<>();
    Matcher m = Pattern.compile("<<'EOF'\\n(.*?)\\nEOF\\n", Pattern.DOTALL).matcher(notes);
    while (m.find()) {
      out.add((ObjectNode) Manifests.YAML.readTree(m.group(1)));
    }
    return out;
  }
}
