package dev.etcdsnapshot.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests users apply as they are — operator/examples/ and the schedule the chart renders — are valid
 * against the CRDs, and the S3 Secrets use only k3s's keys.
 */
class ExamplesTest {

  static final Path EXAMPLES = GeneratedFiles.OPERATOR.resolve("examples");

  /** k3s's S3 config Secret keys (k3s-compat §8.1). */
  static final Set<String> K3S_S3_KEYS = Set.of("etcd-s3-endpoint", "etcd-s3-endpoint-ca",
      "etcd-s3-endpoint-ca-name", "etcd-s3-skip-ssl-verify", "etcd-s3-access-key", "etcd-s3-secret-key",
      "etcd-s3-session-token", "etcd-s3-bucket", "etcd-s3-bucket-lookup-type", "etcd-s3-region", "etcd-s3-folder",
      "etcd-s3-retention", "etcd-s3-proxy", "etcd-s3-insecure", "etcd-s3-timeout");

  @TempDir Path tmp;

  @Test
  void everyExampleIsValidAgainstItsCrd() throws IOException {
    List<ObjectNode> examples = examples().objects();

    assertThat(examples.stream().map(o -> o.path("kind").asText()))
        .contains("Secret", "ETCDSnapshotSchedule", "ETCDSnapshotRequest");
    for (ObjectNode o : examples) {
      assertThat(o.at("/metadata/namespace").isMissingNode())
          .as("%s takes its namespace from kubectl -n", Manifests.id(o)).isTrue();
      String kind = o.path("kind").asText();
      if (!kind.equals("Secret")) {
        assertThat(schemaOf(kind).violations(o)).as("%s against its CRD", Manifests.id(o)).isEmpty();
      }
    }
  }

  @Test
  void theValidatorCatchesWhatTheApiServerWouldRefuse() throws IOException {
    ObjectNode schedule = examples().get("ETCDSnapshotSchedule", "etcd-snapshot").deepCopy();
    ((ObjectNode) schedule.get("spec")).put("retention", -1).put("deletionPolicy", "Purge").put("cron", "x");

    assertThat(schemaOf("ETCDSnapshotSchedule").violations(schedule)).hasSize(3);
  }

  @Test
  void exampleSecretUsesOnlyK3sKeysAndTheReferencesResolve() throws IOException {
    Manifests m = examples();
    ObjectNode secret = m.ofKind("Secret").get(0);

    assertThat(secret.get("stringData").properties()).extracting(Map.Entry::getKey)
        .allMatch(K3S_S3_KEYS::contains).contains("etcd-s3-bucket", "etcd-s3-access-key", "etcd-s3-secret-key");
    String secretName = secret.at("/metadata/name").asText();
    for (ObjectNode s : m.ofKind("ETCDSnapshotSchedule")) {
      JsonNode ref = s.at("/spec/s3/secretRef/name");
      if (!ref.isMissingNode()) {
        assertThat(ref.asText()).isEqualTo(secretName);
      }
    }
    for (ObjectNode r : m.ofKind("ETCDSnapshotRequest")) {
      JsonNode ref = r.at("/spec/scheduleRef/name");
      if (!ref.isMissingNode()) {
        assertThat(m.find("ETCDSnapshotSchedule", ref.asText())).as("schedule of %s", Manifests.id(r)).isPresent();
      }
    }
  }

  @Test
  void theChartsScheduleAndSecretAreValid() throws IOException {
    Manifests m = Chart.render(tmp, Map.of(
        "schedule", Map.of("enabled", true, "compress", true, "timeZone", "Europe/Berlin"),
        "s3", Map.of("enabled", true, "bucket", "etcd-backups", "accessKey", "a", "secretKey", "b",
            "skipSSLVerify", true, "bucketLookupType", "path")));

    ObjectNode schedule = m.ofKind("ETCDSnapshotSchedule").get(0);
    assertThat(schemaOf("ETCDSnapshotSchedule").violations(schedule)).isEmpty();
    assertThat(m.ofKind("Secret").get(0).get("stringData").properties()).extracting(Map.Entry::getKey)
        .allMatch(K3S_S3_KEYS::contains);
  }

  /** The schema of our CRD for {@code kind}, from {@code crds/}. */
  static CrdSchema schemaOf(String kind) throws IOException {
    for (Path crd : GeneratedFiles.crdFiles(GeneratedFiles.CRDS)) {
      JsonNode c = Manifests.YAML.readTree(crd.toFile());
      if (kind.equals(c.at("/spec/names/kind").asText())) {
        return CrdSchema.load(crd);
      }
    }
    throw new AssertionError("no CRD for " + kind + " in " + GeneratedFiles.CRDS);
  }

  private static Manifests examples() throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        all.append("---\n").append(Files.readString(f)).append('\n');
      }
    }
    return Manifests.parse(all.toString());
  }
}
