package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl apply -k operator/} installs what {@code helm install} does with the chart's defaults: the
 * kustomization lists plain files, and {@code operator/etcd-snapshot-operator.yaml} is the chart's default
 * rendering (minus Helm's own labels), kept in step by this test. The build itself is re-done here in Java
 * (the kustomization only lists resources, no transformers), so no kustomize binary is needed; when
 * {@code kubectl} is on the PATH its real build is compared as well.
 */
class PlainManifestsTest {

  private static final String HEADER = """
      # Generated from helm/etcd-snapshot-operator with its default values (release etcd-snapshot-operator,
      # namespace etcd-snapshot) by PlainManifestsTest; do not edit. Update with:
      #   %s
      """.formatted(GeneratedFiles.HOW_TO_UPDATE);

  @TempDir Path tmp;

  @Test
  void operatorManifestIsTheChartsDefaultRendering() throws IOException {
    Manifests expected = chartDefaults();
    if (GeneratedFiles.updating()) {
      Files.writeString(GeneratedFiles.OPERATOR_MANIFEST, HEADER + expected.toYaml());
    }
    Manifests committed = Manifests.parse(Files.readString(GeneratedFiles.OPERATOR_MANIFEST));

    assertThat(committed.ids()).as("objects in %s; update with: %s", GeneratedFiles.OPERATOR_MANIFEST,
        GeneratedFiles.HOW_TO_UPDATE).containsExactlyElementsOf(expected.ids());
    assertThat(committed.objects()).as("%s differs from the chart; update with: %s",
        GeneratedFiles.OPERATOR_MANIFEST, GeneratedFiles.HOW_TO_UPDATE).isEqualTo(expected.objects());
  }

  @Test
  void kustomizationBuildsTheChartsObjectsWithoutReplacingK3sCrd() throws IOException {
    Manifests built = buildKustomization();
    Manifests chart = chartDefaults();

    assertThat(built.ids()).containsAll(chart.ids());
    for (String kind : List.of("DaemonSet", "ClusterRole", "Role", "ServiceAccount")) {
      for (ObjectNode o : chart.ofKind(kind)) {
        assertThat(built.objects()).as("%s as the chart renders it", Manifests.id(o)).contains(o);
      }
    }
    assertThat(built.get("Namespace", Chart.NAMESPACE)).isNotNull();
    List<String> crds = built.ofKind("CustomResourceDefinition").stream()
        .map(c -> c.at("/metadata/name").asText()).toList();
    assertThat(crds).containsExactlyInAnyOrder("etcdsnapshotschedules.etcdsnapshot.dev",
        "etcdsnapshotrequests.etcdsnapshot.dev");
    assertThat(built.ofKind("ETCDSnapshotSchedule")).isEmpty();
  }

  @Test
  void kustomizationHasNothingButResourcesSoTheJavaBuildIsKustomizesBuild() throws IOException {
    JsonNode k = Manifests.YAML.readTree(GeneratedFiles.OPERATOR.resolve("kustomization.yaml").toFile());
    List<String> keys = new ArrayList<>();
    k.fieldNames().forEachRemaining(keys::add);

    assertThat(keys).containsExactlyInAnyOrder("apiVersion", "kind", "resources");
    assertThat(PodTemplate.texts(k.get("resources")))
        .doesNotContain("crds/" + GeneratedFiles.K3S_FILE_CRD)
        .allMatch(r -> Files.isRegularFile(GeneratedFiles.OPERATOR.resolve(r)), "an existing file in operator/");
  }

  @Test
  void kubectlKustomizeAgreesWhereKubectlIsInstalled() throws Exception {
    Path kubectl = onPath("kubectl");
    assumeTrue(kubectl != null, "kubectl is not installed; the Java build above covers the kustomization");
    Process p = new ProcessBuilder(kubectl.toString(), "kustomize", GeneratedFiles.OPERATOR.toString())
        .redirectError(tmp.resolve("stderr").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl kustomize: %s", Files.readString(tmp.resolve("stderr"))).isZero();

    Manifests real = Manifests.parse(out);
    Manifests ours = buildKustomization();
    assertThat(real.ids()).containsExactlyInAnyOrderElementsOf(ours.ids());
    List<JsonNode> realObjects = real.objects().stream().map(PlainManifestsTest::sameNumbers).toList();
    for (ObjectNode o : ours.objects()) {
      assertThat(realObjects).as("kubectl's build of %s", Manifests.id(o)).contains(sameNumbers(o));
    }
  }

  /** The chart rendered with its defaults, without the labels that say Helm manages the objects. */
  private Manifests chartDefaults() {
    Manifests m = Chart.render(tmp, Map.of());
    for (ObjectNode o : m.objects()) {
      JsonNode labels = o.at("/metadata/labels");
      if (labels instanceof ObjectNode l) {
        l.remove(List.of("helm.sh/chart", "app.kubernetes.io/managed-by"));
      }
    }
    return m;
  }

  private static Manifests buildKustomization() throws IOException {
    JsonNode k = Manifests.YAML.readTree(GeneratedFiles.OPERATOR.resolve("kustomization.yaml").toFile());
    List<ObjectNode> all = new ArrayList<>();
    for (JsonNode r : k.get("resources")) {
      all.addAll(Manifests.parse(Files.readString(GeneratedFiles.OPERATOR.resolve(r.asText()))).objects());
    }
    return new Manifests(all);
  }

  /** kustomize writes 0.0 as 0: compare numbers by value. */
  private static JsonNode sameNumbers(JsonNode node) {
    if (node.isNumber()) {
      return DecimalNode.valueOf(node.decimalValue().stripTrailingZeros());
    }
    if (node instanceof ObjectNode o) {
      ObjectNode copy = o.objectNode();
      o.properties().forEach(e -> copy.set(e.getKey(), sameNumbers(e.getValue())));
      return copy;
    }
    if (node instanceof ArrayNode a) {
      ArrayNode copy = a.arrayNode();
      a.forEach(e -> copy.add(sameNumbers(e)));
      return copy;
    }
    return node;
  }

  private static Path onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    try (Stream<String> dirs = Stream.of(path.split(File.pathSeparator))) {
      return dirs.map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst().orElse(null);
    }
  }
}
