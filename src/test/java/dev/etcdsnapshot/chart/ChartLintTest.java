package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code helm lint --strict} of the chart as shipped and of every preset and mode. helm-java's lint takes no
 * values, so each case lints a copy of the chart whose values.yaml has the case's settings.
 */
class ChartLintTest {

  @Test
  void shippedChartIsLintCleanInStrictMode() {
    LintResult result = Chart.lint(Chart.DIR);
    assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @ParameterizedTest(name = "preset {0}, mode {1}")
  @CsvSource({"k3s,daemonset", "rke2,daemonset", "kubeadm,daemonset", "k3s,deployment", "kubeadm,deployment"})
  void everyPresetAndModeIsLintClean(String preset, String mode, @TempDir Path tmp) throws IOException {
    Path copy = copyChart(tmp.resolve("chart"));
    ObjectNode values = (ObjectNode) Manifests.YAML.readTree(copy.resolve("values.yaml").toFile());
    values.put("preset", preset).put("mode", mode);
    ((ObjectNode) values.get("schedule")).put("enabled", true);
    if (mode.equals("deployment")) {
      ((ObjectNode) values.get("etcd")).set("endpoints", Manifests.YAML.valueToTree(List.of("https://10.0.0.5:2379")));
      ((ObjectNode) values.at("/deployment/certsSecret")).put("name", "etcd-client");
    }
    ((ObjectNode) values.get("s3")).put("enabled", true).put("bucket", "snapshots");
    ((ObjectNode) values.get("metrics")).set("service", Manifests.YAML.valueToTree(Map.of("enabled", true, "port", 9794)));
    Files.writeString(copy.resolve("values.yaml"), Manifests.YAML.writeValueAsString(values));

    LintResult result = Chart.lint(copy);

    assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void lintReportsAChartThatDoesNotRender(@TempDir Path tmp) throws IOException {
    Path copy = copyChart(tmp.resolve("chart"));
    Files.writeString(copy.resolve("values.yaml"),
        Files.readString(copy.resolve("values.yaml")).replace("mode: daemonset", "mode: statefulset"));

    LintResult result = Chart.lint(copy);

    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages())).contains("mode");
  }

  private static Path copyChart(Path target) throws IOException {
    try (Stream<Path> files = Files.walk(Chart.DIR)) {
      for (Path p : files.toList()) {
        Path dest = target.resolve(Chart.DIR.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
      }
    }
    return target;
  }
}
