package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs keep up with what they describe: links resolve, every CR field and S3 key and alert is documented. */
class DocsTest {

  private static final Path DOCS = GeneratedFiles.OPERATOR.resolve("docs");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern FENCE = Pattern.compile("```(?:sh)?\\n(.*?)```", Pattern.DOTALL);

  @Test
  void readmeStartsWithTheBuildAndTestCommands() throws IOException {
    Matcher blocks = FENCE.matcher(Files.readString(Path.of("README.md")));

    assertThat(blocks.find()).isTrue();
    assertThat(blocks.group(1).trim())
        .isEqualTo("mvn -B -DskipTests package && java -jar target/etcd-snapshot-operator.jar --help");
    assertThat(blocks.find()).isTrue();
    assertThat(blocks.group(1).trim()).isEqualTo("mvn -B verify");
  }

  @Test
  void everyRelativeLinkAndAnchorResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path doc : markdown()) {
      Matcher m = LINK.matcher(Files.readString(doc));
      while (m.find()) {
        String target = m.group(1);
        if (target.startsWith("http://") || target.startsWith("https://")) {
          continue;
        }
        String[] parts = target.split("#", 2);
        Path file = parts[0].isEmpty() ? doc : doc.toAbsolutePath().getParent().resolve(parts[0]).normalize();
        if (!Files.exists(file)) {
          broken.add(doc + " -> " + target);
        } else if (parts.length == 2 && !anchors(file).contains(parts[1])) {
          broken.add(doc + " -> " + target + " (no such heading)");
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void resourcesPageShowsEverySpecFieldOfOurKinds() throws IOException {
    String page = Files.readString(DOCS.resolve("resources.md"));
    List<String> missing = new ArrayList<>();
    for (Path crd : GeneratedFiles.crdFiles(GeneratedFiles.CRDS)) {
      JsonNode schema = Manifests.YAML.readTree(crd.toFile()).at("/spec/versions/0/schema/openAPIV3Schema");
      collect(schema.at("/properties/spec"), "spec", page, missing);
      collect(schema.at("/properties/status"), "status", page, missing);
    }
    assertThat(missing).as("fields missing from operator/docs/resources.md").isEmpty();
  }

  @Test
  void s3PageListsEveryK3sKey() throws IOException {
    String page = Files.readString(DOCS.resolve("s3.md"));

    assertThat(ExamplesTest.K3S_S3_KEYS).allMatch(k -> page.contains("`" + k + "`"), "documented in s3.md");
  }

  @Test
  void metricsPageNamesEveryAlertTheChartShipsAndEveryMetricItUses(@TempDir Path tmp) throws IOException {
    String page = Files.readString(DOCS.resolve("metrics.md"));
    JsonNode rules = Chart.render(tmp, Map.of("metrics", Map.of("prometheusRule", Map.of("enabled", true))))
        .ofKind("PrometheusRule").get(0).at("/spec/groups/0/rules");

    for (JsonNode rule : rules) {
      assertThat(page).contains("`" + rule.path("alert").asText() + "`");
      Matcher metric = Pattern.compile("etcd_snapshot_[a-z_]+").matcher(rule.path("expr").asText());
      while (metric.find()) {
        assertThat(page).contains("`" + metric.group() + "`");
      }
    }
  }

  private static void collect(JsonNode schema, String path, String page, List<String> missing) {
    schema.path("properties").properties().forEach(e -> {
      String name = e.getKey();
      if (!page.contains(name + ":")) {
        missing.add(path + "." + name);
      }
      JsonNode child = e.getValue();
      if (child.path("type").asText().equals("array")) {
        child = child.path("items");
      }
      if (!name.equals("conditions")) {
        collect(child, path + "." + name, page, missing);
      }
    });
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
  private static List<String> anchors(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("#")) {
        String text = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
        out.add(text.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
      }
    }
    return out;
  }

  private static List<Path> markdown() throws IOException {
    List<Path> out = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> files = Files.list(DOCS)) {
      out.addAll(files.filter(p -> p.toString().endsWith(".md")).sorted().toList());
    }
    return out;
  }
}
