package dev.etcdsnapshot.operator.reverify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.model.EtcdSnapshotFile;
import dev.etcdsnapshot.model.EtcdSnapshotFileSpec;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.operator.MutableClock;
import dev.etcdsnapshot.operator.metrics.SnapshotMetrics;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A restarted agent's newest-content-verified gauge, seeded from its objects' verified-at annotations. */
@EnableKubernetesMockClient(crud = true)
class VerifiedSeedTest {

  static KubernetesClient client;

  @Test
  void theGaugeStartsAtTheNewestWellFormedVerifiedAtOfThisNodesLocalObjects() {
    file("seed-old", "node-s", "2026-05-01T10:00:00Z");
    file("seed-new", "node-s", "2026-05-02T10:00:00Z");
    file("seed-bad", "node-s", "yesterday");
    file("seed-none", "node-s", null);
    file("seed-other-node", "node-t", "2026-05-03T10:00:00Z");
    file("seed-s3", SnapshotLabels.STORAGE_NODE_S3, "2026-05-04T10:00:00Z");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SnapshotMetrics metrics = new SnapshotMetrics(registry, new MutableClock(Instant.parse("2026-05-05T00:00:00Z")));

    VerifiedSeed.seed(client, Flavor.K3S, "node-s", metrics);

    String series = "etcd_snapshot_last_content_verified_timestamp_seconds{node=\"node-s\"} ";
    assertThat(registry.scrape().lines().filter(l -> l.startsWith(series))
        .map(l -> Double.parseDouble(l.substring(series.length()))))
        .containsExactly((double) Instant.parse("2026-05-02T10:00:00Z").getEpochSecond());
  }

  @Test
  void aNodeWhoseObjectsCarryNoProofGetsNoSeries() {
    file("noproof-a", "node-u", null);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SnapshotMetrics metrics = new SnapshotMetrics(registry, new MutableClock(Instant.parse("2026-05-05T00:00:00Z")));

    VerifiedSeed.seed(client, Flavor.K3S, "node-u", metrics);

    assertThat(registry.scrape()).doesNotContain("node=\"node-u\"");
  }

  private static void file(String name, String storageNode, String verifiedAt) {
    Map<String, String> annotations = new HashMap<>();
    if (verifiedAt != null) {
      annotations.put(SnapshotLabels.VERIFIED_AT_ANNOTATION, verifiedAt);
    }
    EtcdSnapshotFile f = new EtcdSnapshotFile();
    f.setMetadata(new ObjectMetaBuilder().withName(name)
        .withLabels(Map.of(SnapshotLabels.storageNodeLabel(Flavor.K3S), storageNode))
        .withAnnotations(annotations).build());
    EtcdSnapshotFileSpec spec = new EtcdSnapshotFileSpec();
    spec.setSnapshotName(name);
    spec.setNodeName(storageNode);
    f.setSpec(spec);
    client.resource(f).create();
  }
}
