package dev.etcdsnapshot.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.SaveResult;
import dev.etcdsnapshot.engine.SnapshotFailure;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OperatorHttpServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesPrometheusMetricsHealthAndReadiness() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Instant now = Instant.parse("2026-04-01T12:00:00Z");
    SnapshotMetrics metrics = new SnapshotMetrics(registry, Clock.fixed(now, ZoneOffset.UTC));
    StoredSnapshot local = new StoredSnapshot("etcd-snapshot-n1-1775044800", StorageKind.LOCAL,
        "file:///snapshots/etcd-snapshot-n1-1775044800", 4128, now, "n1", null, Map.of());
    SnapshotFailure upload = new SnapshotFailure(SnapshotFailure.Stage.UPLOAD, StorageKind.S3,
        "etcd-snapshot-n1-1775044800", "s3://b/etcd-snapshot-n1-1775044800", now, "bucket gone");
    metrics.recordSave("n1", dev.etcdsnapshot.engine.SnapshotTrigger.SCHEDULED, true,
        new SaveResult("etcd-snapshot-n1-1775044800", List.of(local), List.of(), List.of(upload)),
        Duration.ofMillis(250));
    metrics.recordSync(StorageKind.LOCAL, true, Duration.ofMillis(12));
    AtomicBoolean ready = new AtomicBoolean(false);

    try (OperatorHttpServer server = OperatorHttpServer.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), registry, ready::get)) {
      HttpResponse<String> scrape = get(server, "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains("etcd_snapshot_save_duration_seconds_count{phase=\"scheduled\",status=\"error\",storage=\"s3\"} 1")
          .contains("etcd_snapshot_size_bytes_sum{node=\"n1\",storage=\"local\"} 4128")
          .contains("etcd_snapshot_failures_total{node=\"n1\",stage=\"upload\",storage=\"s3\"} 1")
          .contains("etcd_snapshot_last_success_timestamp_seconds{node=\"n1\",storage=\"local\"} 1.7750448E9")
          .contains("etcd_snapshot_sync_duration_seconds_count{status=\"success\",storage=\"local\"} 1");
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);
    }
  }

  private HttpResponse<String> get(OperatorHttpServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
