package dev.etcdsnapshot.chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Files that are copies or renderings of other files (house rule 6): the chart's and {@code operator/}'s CRDs
 * are copies of {@code crds/}, and {@code operator/etcd-snapshot-operator.yaml} is the chart's default rendering.
 * Tests compare them; with {@code -Dmanifests.update=true} they rewrite them instead.
 */
final class GeneratedFiles {

  static final Path CRDS = Path.of("crds");
  static final Path CHART_CRDS = Chart.DIR.resolve("crds");
  static final Path OPERATOR = Path.of("operator");
  static final Path OPERATOR_CRDS = OPERATOR.resolve("crds");
  static final Path OPERATOR_MANIFEST = OPERATOR.resolve("etcd-snapshot-operator.yaml");
  /** k3s and RKE2 own this CRD; the plain manifests leave it out so that applying them never replaces it. */
  static final String K3S_FILE_CRD = "etcdsnapshotfiles.k3s.cattle.io-v1.yml";

  static final String HOW_TO_UPDATE =
      "mvn -B -o test -Dtest='ChartCrdsTest,PlainManifestsTest' -Dmanifests.update=true"
          + " (after CrdDriftTest -Dcrds.update=true if the model changed)";

  private GeneratedFiles() {}

  static boolean updating() {
    return Boolean.getBoolean("manifests.update");
  }

  /** The CRD files of a directory, by name. */
  static List<Path> crdFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".yml")).sorted().toList();
    }
  }

  /** Makes {@code target} hold exactly the CRD files of {@code crds/}. */
  static void copyCrds(Path target) throws IOException {
    Files.createDirectories(target);
    for (Path old : crdFiles(target)) {
      Files.delete(old);
    }
    for (Path crd : crdFiles(CRDS)) {
      Files.copy(crd, target.resolve(crd.getFileName()));
    }
  }
}
