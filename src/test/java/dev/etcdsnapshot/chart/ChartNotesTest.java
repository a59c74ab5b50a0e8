package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code helm install} tells the user to do next. */
class ChartNotesTest {

  @TempDir Path tmp;

  @Test
  void onK3sTheNotesSayToTurnOffK3sOwnScheduleAndWhatToApplyNext() {
    String notes = Chart.notes(tmp, Map.of());

    assertThat(notes).contains("etcd-disable-snapshots: true", "/etc/rancher/k3s/config.yaml",
        "systemctl restart k3s", "/var/lib/rancher/k3s/server/db/snapshots",
        "kubectl -n etcd-snapshot apply -f operator/examples/schedule.yaml",
        "kubectl -n etcd-snapshot apply -f operator/examples/request.yaml", "kubectl get etcdsnapshotfile",
        "operator/docs/restore.md");
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
        .doesNotContain("operator/examples/schedule.yaml");
  }
}
